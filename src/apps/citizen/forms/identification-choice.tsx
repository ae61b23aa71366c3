/**
 * The integrity channel's three ways of filing a denúncia (IDENTIFICATION_LABELS): anonymous, the default;
 * identity preserved; identified. It takes the place of the form's "identificar" checkbox and drives it,
 * so the form's own rule shows the identity fields only when the person chose to give them; in anonymous
 * mode they are neither asked nor sent (sync/outbox/integrity.ts strips them again, and the server refuses them).
 */
import { IDENTIFICATION_LABELS, IDENTIFICATION_MODES, type IdentificationMode } from '../../../shared/contract/integrity.ts';

/** The checkbox of the integrity form that shows the identity fields. */
export const IDENTIFY_FIELD = 'identificar';

const HINTS: Record<IdentificationMode, string> = {
  anonimo: 'Não pedimos nome, CPF, e-mail nem telefone, e nada disso sai do aparelho.',
  preservada: 'Seus dados ficam guardados à parte, cifrados. Quem apura não os vê; só a Controladoria pode revelá-los, com justificativa registrada.',
  identificado: 'Quem apura a denúncia vê o seu nome e pode falar com você.',
};

export function IdentificationChoice({ value, onChange }: { value: IdentificationMode; onChange: (mode: IdentificationMode) => void }) {
  return (
    <fieldset class="field" id="identificacao-grupo" data-testid="identification">
      <legend>Como você quer fazer a denúncia?</legend>
      <ul class="checklist">
        {IDENTIFICATION_MODES.map((mode) => (
          <li key={mode}>
            <input
              id={`identificacao-${mode}`}
              type="radio"
              name="identificacao"
              value={mode}
              checked={value === mode}
              onChange={() => onChange(mode)}
            />
            <label for={`identificacao-${mode}`}>
              {IDENTIFICATION_LABELS[mode]}
              <span class="field-hint identification-hint">{HINTS[mode]}</span>
            </label>
          </li>
        ))}
      </ul>
      <p class="field-hint">Em todos os casos, você acompanha pelo recibo de 16 números.</p>
    </fieldset>
  );
}
