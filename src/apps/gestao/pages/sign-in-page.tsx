/**
 * /gestao/entrar — e-mail and password, then the second factor: the 6-digit code of the authenticator
 * app, or, the first time (the server says `stage: 'enrol'`), setting the app up with a QR code or its key.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { parseContract } from '../../../shared/contract/parse.ts';
import { LoginRequestSchema, SessionResponseSchema, TotpEnrolmentRequestSchema, TotpEnrolmentSchema, TotpRequestSchema } from '../../../shared/contract/staff.ts';
import { redirectFrom, type PageProps } from '../../common/navigation.tsx';
import { ApiFailure, api, failureWords } from '../api.ts';
import { acceptSession, signedOut, signOut, useSession } from '../session.ts';
import { announce } from '../ui/announce.ts';
import { FormError, TextField, focusFirstInvalid, inputValue } from '../ui/fields.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { HOME_PATH, SIGN_IN_PATH } from '../paths.ts';

/** Where to go after signing in: a page of the back office named in ?volta=, else its start. */
function backTo(query: URLSearchParams): string {
  const back = query.get('volta') ?? '';
  return /^\/gestao(\/|$|\?)/.test(back) && !back.startsWith('//') ? back : HOME_PATH;
}

interface Failure {
  message: string;
  fields?: Record<string, string>;
}

function failureOf(error: unknown): Failure {
  return { message: failureWords(error), ...(error instanceof ApiFailure && Object.keys(error.fields).length ? { fields: error.fields } : {}) };
}

export default function SignInPage({ query }: PageProps) {
  const session = useSession();
  const stage = session.status === 'second_factor' ? session.stage : 'password';
  const heading = useRef<HTMLHeadingElement>(null);
  const firstStage = useRef(stage);
  useStaffPageTitle(stage === 'password' ? 'Entrar' : stage === 'totp' ? 'Código de acesso' : 'Configurar o segundo fator');

  // Signed in: back to where the person was going, unless a section of the header (shown in the same render)
  // was chosen first.
  useEffect(() => {
    if (session.status === 'signed_in') redirectFrom(SIGN_IN_PATH, backTo(query));
  }, [session.status]);

  // A new stage on the same address: move focus to its heading, as a new page would.
  useEffect(() => {
    if (stage === firstStage.current) return;
    firstStage.current = stage;
    heading.current?.focus();
  }, [stage]);

  if (session.status === 'unknown' || session.status === 'signed_in') {
    return <div class="page stack"><h1>Entrar na gestão</h1><p>Carregando…</p></div>;
  }
  if (stage === 'totp') return <TotpStage heading={heading} />;
  if (stage === 'enrol') return <EnrolStage heading={heading} />;
  return <PasswordStage heading={heading} />;
}

type HeadingRef = { current: HTMLHeadingElement | null };

/** A session the server ended for too many wrong codes: back to e-mail and password, with its words. */
function endedForCodes(error: unknown): boolean {
  if (!(error instanceof ApiFailure) || (error.code !== 'too_many_codes' && error.code !== 'unauthenticated')) return false;
  signedOut();
  announce(error.message);
  return true;
}

function PasswordStage({ heading }: { heading: HeadingRef }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  // After too many wrong passwords from here the server asks to wait (429): the button waits as long.
  const [waitSeconds, setWaitSeconds] = useState(0);
  const waiting = waitSeconds > 0;
  useEffect(() => {
    if (!waitSeconds) return;
    const timer = setTimeout(() => setWaitSeconds(0), waitSeconds * 1000);
    return () => clearTimeout(timer);
  }, [waitSeconds]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy || waiting) return;
    const parsed = parseContract(LoginRequestSchema, { email, password });
    if (!parsed.ok) {
      const fields: Record<string, string> = {};
      if (!email.trim()) fields.email = 'Digite o seu e-mail.';
      else if (parsed.fields.email) fields.email = parsed.fields.email;
      if (!password) fields.password = 'Digite a sua senha.';
      setFailure({ message: 'Confira o e-mail e a senha.', fields });
      focusFirstInvalid(event.currentTarget);
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const state = acceptSession(await api(SessionResponseSchema, '/api/gestao/session', { method: 'POST', body: parsed.value, quiet401: true }));
      if (state.status === 'signed_in') announce('Você entrou na gestão.');
    } catch (error) {
      setFailure(failureOf(error));
      if (error instanceof ApiFailure && error.status === 429 && error.retryAfter) setWaitSeconds(error.retryAfter);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) => failure?.fields?.[name];
  return (
    <div class="page stack narrow">
      <h1 ref={heading} tabindex={-1}>Entrar na gestão</h1>
      <p>Área dos servidores da Prefeitura de Vitória da Conquista. Para pedir um serviço, use o <a href="/">Conecta Conquista</a>.</p>
      <FormError message={failure && !failure.fields ? failure.message : undefined} />
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <TextField id="email" label="E-mail" type="email" autocomplete="username" inputMode="email" required value={email} error={fieldError('email')}
          onInput={(event) => setEmail(inputValue(event))} />
        <TextField id="senha" label="Senha" type="password" autocomplete="current-password" required value={password} error={fieldError('password')}
          onInput={(event) => setPassword(inputValue(event))} />
        <p><button type="submit" class="button button-primary" aria-disabled={busy || waiting ? 'true' : undefined}>{busy ? 'Entrando…' : 'Entrar'}</button></p>
      </form>
      <p class="field-hint">Esqueceu a senha? Peça à administração do sistema um novo link para escolher a senha.</p>
    </div>
  );
}

function CodeForm({ onCode, label, button }: { onCode: (code: string) => Promise<void>; label: string; button: string }) {
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const parsed = parseContract(TotpRequestSchema, { code });
    if (!parsed.ok) {
      setFailure({ message: parsed.fields.code ?? 'O código tem 6 números.' });
      focusFirstInvalid(event.currentTarget);
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      await onCode(parsed.value.code);
    } catch (error) {
      setFailure(failureOf(error));
      setCode('');
      // The session ended meanwhile (idle too long, or five wrong codes): back to e-mail and password.
      endedForCodes(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
      <TextField id="codigo" label={label} hint="São 6 números; o código muda a cada 30 segundos." inputMode="numeric" autocomplete="one-time-code"
        maxLength={6} required value={code} error={failure?.message} class="code-input"
        onInput={(event) => setCode(inputValue(event).replace(/\D/g, ''))} />
      <p><button type="submit" class="button button-primary" aria-disabled={busy ? 'true' : undefined}>{busy ? 'Conferindo…' : button}</button></p>
    </form>
  );
}

async function leave(): Promise<void> {
  await signOut().catch(() => undefined);
  announce('Você saiu. Entre de novo com o seu e-mail e senha.');
}

function TotpStage({ heading }: { heading: HeadingRef }) {
  const confirm = async (code: string) => {
    acceptSession(await api(SessionResponseSchema, '/api/gestao/session/totp', { method: 'POST', body: { code }, quiet401: true }));
    announce('Você entrou na gestão.');
  };
  return (
    <div class="page stack narrow">
      <h1 ref={heading} tabindex={-1}>Código de acesso</h1>
      <p>Abra o aplicativo autenticador do seu celular e digite o código de “Conecta Conquista (gestão)”.</p>
      <CodeForm onCode={confirm} label="Código do aplicativo autenticador" button="Confirmar" />
      <p><button type="button" class="button button-secondary" onClick={() => void leave()}>Entrar com outra conta</button></p>
    </div>
  );
}

interface Enrolment {
  qrSvg: string;
  secret: string;
}

function EnrolStage({ heading }: { heading: HeadingRef }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  // The password again, in the same request that makes the secret: a stolen session alone cannot bind a phone.
  const start = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const parsed = parseContract(TotpEnrolmentRequestSchema, { password });
    if (!parsed.ok) {
      setFailure({ message: 'Digite a sua senha.', fields: { password: 'Digite a sua senha.' } });
      focusFirstInvalid(event.currentTarget);
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const answer = await api(TotpEnrolmentSchema, '/api/gestao/totp/enrolment', { method: 'POST', body: parsed.value, quiet401: true });
      setEnrolment({ qrSvg: answer.qrSvg, secret: answer.secret });
    } catch (error) {
      if (!endedForCodes(error)) setFailure(failureOf(error));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (code: string) => {
    acceptSession(await api(SessionResponseSchema, '/api/gestao/totp/enrolment/confirm', { method: 'POST', body: { code }, quiet401: true }));
    announce('Segundo fator ativado. Você entrou na gestão.');
  };

  return (
    <div class="page stack narrow">
      <h1 ref={heading} tabindex={-1}>Configurar o segundo fator</h1>
      <p>O seu perfil pede, além da senha, um código do celular a cada entrada. Faça isto uma vez:</p>
      <ol class="steps">
        <li>Instale no celular um aplicativo autenticador (por exemplo, Google Authenticator, Microsoft Authenticator ou FreeOTP).</li>
        <li>No aplicativo, escolha adicionar uma conta e leia o código QR abaixo, ou digite a chave.</li>
        <li>Digite aqui o código de 6 números que o aplicativo mostrar.</li>
      </ol>
      {!enrolment && (
        <form class="stack" onSubmit={(event) => void start(event)} noValidate>
          <FormError message={failure && !failure.fields ? failure.message : undefined} />
          <TextField id="senha-de-novo" label="Confirme a sua senha" type="password" autocomplete="current-password" required value={password}
            hint="Por segurança, digite de novo a senha com que você entrou." error={failure?.fields?.password}
            onInput={(event) => setPassword(inputValue(event))} />
          <p><button type="submit" class="button button-primary" aria-disabled={busy ? 'true' : undefined}>{busy ? 'Preparando…' : 'Mostrar o código QR'}</button></p>
        </form>
      )}
      {enrolment && (
        <>
          <figure class="qr">
            <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`} width={220} height={220}
              alt="Código QR para adicionar a conta ao aplicativo autenticador" />
            <figcaption>
              Chave para digitar: <code data-testid="totp-secret" class="secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
            </figcaption>
          </figure>
          <CodeForm onCode={confirm} label="Código que aparece no aplicativo" button="Ativar e entrar" />
        </>
      )}
      <p><button type="button" class="button button-secondary" onClick={() => void leave()}>Entrar com outra conta</button></p>
    </div>
  );
}
