/** The back office's fixed addresses, named where the route table, the layout and pages all need them. */

/** The start of the back office: it sends each role on to its first page (pages/home-page.tsx). */
export const HOME_PATH = '/gestao';
/** Where a page that needs a session sends the person, and where "Sair" leads. */
export const SIGN_IN_PATH = '/gestao/entrar';
