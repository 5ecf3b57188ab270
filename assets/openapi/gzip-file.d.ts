// Type of `.json.gz` files imported with `with { type: "file" }`: the path of the embedded file
// (a `$bunfs` path inside the compiled binary), read on first use.
declare module "*.json.gz" {
  const path: string;
  // biome-ignore lint/style/noDefaultExport: a file import's only export is its default.
  export default path;
}
