// Type of `.proto` files imported as text (`with { type: "text" }`), embedded by `bun build`.
declare module "*.proto" {
  const text: string;
  // biome-ignore lint/style/noDefaultExport: a text import's only export is its default.
  export default text;
}
