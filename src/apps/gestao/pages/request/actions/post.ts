/** What every action form on a request's page gets, and how it sends its action. */
import { OkSchema, type RequestDetail } from '../../../../../shared/contract/staff.ts';
import { api } from '../../../api.ts';

export interface ActionProps {
  request: RequestDetail;
  /** Reads the request again; false when it can no longer be read (transferred out of reach). */
  reload: () => Promise<boolean>;
}

export function postAction(request: RequestDetail, action: string, body: unknown) {
  return api(OkSchema, `/api/gestao/requests/${request.id}/${action}`, { method: 'POST', body });
}
