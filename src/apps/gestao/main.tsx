/**
 * The back office's boot (gestao/index.html, served at /gestao/): its own entry, chunks and styles; no
 * service worker (it is not meant to work offline) and nothing of it in the citizen app. It shares the
 * wire contract (src/shared) and the History-API navigation (src/apps/common) with the citizen app, and
 * the design tokens and components (src/apps/common/styles, imported as files here).
 */
import { render } from 'preact';
import { startRouter } from '../common/navigation.tsx';
import { onUnauthenticated } from './api.ts';
import { App } from './layout/app.tsx';
import { Header } from './layout/header.tsx';
import { loadSession, signedOut } from './session.ts';
import '../common/styles/base.css';
import '../common/styles/components.css';
import '../common/styles/form-fields.css';
import './styles/gestao.css';
import { HOME_PATH } from './paths.ts';

startRouter({ basePath: HOME_PATH });
// A page's request refused with 401: the session ended (idle, signed out elsewhere, account changed) or
// the second factor is due. Ask the server which, and the layout sends the person to sign in.
onUnauthenticated(() => void loadSession().catch(() => signedOut()));
void loadSession().catch(() => signedOut());

const topo = document.getElementById('topo')!;
const bar = document.createElement('div');
topo.append(bar);
render(<Header />, bar);
render(<App />, document.getElementById('conteudo')!);
