/**
 * The charter's service whose form is the integrity channel's: its denúncias never take the named path.
 * Apart from integrity.ts so that a page needing only this name does not load the channel's schemas.
 */
export const INTEGRITY_SERVICE_ID = 'canal-de-integridade';
