/**
 * Who may do what in the back office: the one permission matrix. Every staff route names one permission
 * (the plugin refuses to register a route that names none), the plugin checks it before the handler runs,
 * and the permission test is generated from this table.
 *
 * Scope: atendente and gestor act only within their secretariats; ouvidoria reads manifestações of every
 * secretariat; controladoria reads everything (and the audit log); admin manages accounts and the charter
 * and sees no request's contents unless it also holds another role.
 */
import type { Permission, StaffRole } from '../../shared/contract/staff.ts';
import type { SubmissionKind } from '../../shared/contract/forms.ts';

export const MATRIX: Record<Permission, readonly StaffRole[]> = {
  'requests.read': ['atendente', 'gestor', 'controladoria', 'ouvidoria'],
  'requests.answer': ['atendente', 'gestor', 'ouvidoria'],
  'requests.assign': ['gestor'],
  'requests.transfer': ['gestor'],
  // The Ouvidoria's steps: forward a manifestação to the secretariat concerned, extend its deadline once.
  'manifestations.forward': ['ouvidoria'],
  // The secretariat's answer back to the Ouvidoria on a manifestação forwarded to it.
  'manifestations.internal_answer': ['atendente', 'gestor'],
  'requests.export': ['atendente', 'gestor', 'controladoria', 'ouvidoria'],
  'templates.manage': ['gestor'],
  'figures.read': ['gestor', 'controladoria'],
  'manifestations.read': ['ouvidoria', 'controladoria'],
  'audit.read': ['controladoria'],
  'accounts.manage': ['admin'],
  'charter.import': ['admin'],
  // The integrity channel is the controladoria's alone: no secretariat, not even a reported servant's, reaches it.
  'integrity.read': ['controladoria'],
  'integrity.answer': ['controladoria'],
  'integrity.reveal': ['controladoria'],
  'plan.update': ['controladoria'],
  // The risk radar and its weekly digest: the controladoria's watch over every secretariat (it links to
  // requests and integrity reports, which the admin does not read); only it sets the radar's thresholds.
  'radar.read': ['controladoria'],
  'radar.configure': ['controladoria'],
  // The yearly report of the Ouvidoria and the charter (Law 13.460, arts. 14 and 15): published figures only.
  'report.read': ['ouvidoria', 'controladoria'],
};

export interface Actor {
  id: string;
  roles: readonly StaffRole[];
  secretariats: readonly string[];
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.roles.some((role) => MATRIX[permission].includes(role));
}

export function permissionsOf(actor: Actor): Permission[] {
  return (Object.keys(MATRIX) as Permission[]).filter((permission) => can(actor, permission));
}

/** The roles through which an actor reaches submissions of this kind, everywhere or in some secretariats. */
function reach(actor: Actor, kind: SubmissionKind): { everywhere: boolean; secretariats: readonly string[] } {
  const has = (role: StaffRole) => actor.roles.includes(role);
  if (has('controladoria')) return { everywhere: true, secretariats: [] };
  if (kind === 'manifestation') {
    // Secretariats see a manifestação only once the Ouvidoria forwarded it to them (forwarded_to).
    return { everywhere: has('ouvidoria'), secretariats: has('atendente') || has('gestor') ? actor.secretariats : [] };
  }
  if (has('atendente') || has('gestor')) return { everywhere: false, secretariats: actor.secretariats };
  return { everywhere: false, secretariats: [] };
}

/** The secretariat a submission is reached through: its own for requests, the one it was forwarded to for manifestações. */
function reachedThrough(submission: { kind: SubmissionKind; secretariatId: string; forwardedTo?: string | null }): string | null {
  return submission.kind === 'manifestation' ? (submission.forwardedTo ?? null) : submission.secretariatId;
}

/** Whether the actor may see this submission at all: by id, in a list, through an attachment or an export. */
export function canSee(actor: Actor, submission: { kind: SubmissionKind; secretariatId: string; forwardedTo?: string | null }): boolean {
  const { everywhere, secretariats } = reach(actor, submission.kind);
  const through = reachedThrough(submission);
  return everywhere || (through !== null && secretariats.includes(through));
}

/**
 * One slice of what an actor may see: the submissions of a kind, everywhere or reached through one
 * secretariat (its own for requests and evaluations, the one a manifestação was forwarded to). Slices
 * never overlap, and each is a prefix of an index (migration 017), so a list walks each one in order and
 * merges them instead of filtering one OR over kinds.
 */
export interface VisibleScope {
  kind: SubmissionKind;
  /** Null: every submission of the kind. */
  through: { column: 'secretariat_id' | 'forwarded_to'; secretariat: string } | null;
}

/** What the actor may see, as slices, so a list, a count or an export can never reach further than canSee. */
export function visibleScopes(actor: Actor): VisibleScope[] {
  const scopes: VisibleScope[] = [];
  for (const kind of ['request', 'evaluation', 'manifestation'] as const) {
    const { everywhere, secretariats } = reach(actor, kind);
    if (everywhere) scopes.push({ kind, through: null });
    else {
      const column = kind === 'manifestation' ? 'forwarded_to' : 'secretariat_id';
      for (const secretariat of new Set(secretariats)) scopes.push({ kind, through: { column, secretariat } });
    }
  }
  return scopes;
}
