/**
 * /gestao/senha#<token> — choosing a password from a one-time link (made by `npm run staff:add` or by an
 * admin). The token lives in the address's fragment, which browsers never send: it reaches the server only
 * in the body of POST /api/gestao/password.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { parseContract } from '../../../shared/contract/parse.ts';
import { OkSchema, PasswordResetRequestSchema } from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { ApiFailure, api, failureWords } from '../api.ts';
import { FormError, TextField, focusFirstInvalid, inputValue } from '../ui/fields.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';

export default function PasswordPage(_props: PageProps) {
  useStaffPageTitle('Escolher senha');
  const [token] = useState(() => window.location.hash.slice(1));
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<{ password?: string; again?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const doneHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (done) doneHeading.current?.focus();
  }, [done]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const parsed = parseContract(PasswordResetRequestSchema, { token, password });
    const found: typeof errors = {};
    if (!parsed.ok) {
      if (parsed.fields.password) found.password = parsed.fields.password;
      if (parsed.fields.token) found.form = 'Este link está incompleto. Copie o link inteiro que você recebeu, ou peça um novo à administração.';
    }
    if (password !== again) found.again = 'As duas senhas não são iguais. Digite a mesma senha nos dois campos.';
    setErrors(found);
    if (!parsed.ok || found.again) {
      focusFirstInvalid(event.currentTarget);
      return;
    }
    setBusy(true);
    try {
      await api(OkSchema, '/api/gestao/password', { method: 'POST', body: parsed.value });
      // The link is spent: take it out of the address bar and of this page's history entry.
      history.replaceState(null, '', '/gestao/senha');
      setDone(true);
    } catch (error) {
      setErrors({ form: failureWords(error), ...(error instanceof ApiFailure && error.fields.password ? { password: error.fields.password } : {}) });
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <div class="page stack narrow">
        <h1 ref={doneHeading} tabindex={-1}>Senha definida</h1>
        <p class="notice notice-success" role="status">Pronto: a sua senha foi guardada. Use-a para entrar.</p>
        <p><a class="button button-primary" href="/gestao/entrar">Entrar na gestão</a></p>
      </div>
    );
  }
  return (
    <div class="page stack narrow">
      <h1 tabindex={-1}>Escolher senha</h1>
      {!token ? (
        <p class="notice notice-error">Este endereço não tem o código do link. Abra o link inteiro que você recebeu, ou peça um novo à administração do sistema.</p>
      ) : (
        <>
          <p>Escolha a senha da sua conta na gestão. Use pelo menos 12 caracteres; uma frase que só você conhece é uma boa senha.</p>
          <FormError message={errors.form} />
          <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
            <TextField id="nova-senha" label="Nova senha" type="password" autocomplete="new-password" required minLength={12} value={password}
              hint="Pelo menos 12 caracteres." error={errors.password} onInput={(event) => setPassword(inputValue(event))} />
            <TextField id="nova-senha-repetida" label="Repita a nova senha" type="password" autocomplete="new-password" required value={again}
              error={errors.again} onInput={(event) => setAgain(inputValue(event))} />
            <p><button type="submit" class="button button-primary" aria-disabled={busy ? 'true' : undefined}>{busy ? 'Guardando…' : 'Guardar senha'}</button></p>
          </form>
        </>
      )}
    </div>
  );
}
