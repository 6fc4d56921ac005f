/** Vite turns `?inline` CSS imports into the stylesheet's text. */
declare module '*.css?inline' {
  const css: string
  export default css
}
