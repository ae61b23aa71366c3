/**
 * After a navigation inside the app, a screen reader and a keyboard must land on the new page, not stay on
 * the link that was followed: scroll to the top and focus the page's heading (or the main region if it has
 * none). Both apps call it when a page other than the first has been shown.
 */
export function moveFocusToPage(): void {
  window.scrollTo(0, 0);
  const main = document.getElementById('conteudo');
  const heading = main?.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  } else {
    main?.focus();
  }
}
