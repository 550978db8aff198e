/** A table's header row: one column header each, scoped for screen readers. */
export function TableHead(p: { cols: readonly string[] }) {
  return (
    <thead>
      <tr>
        {p.cols.map((c) => (
          <th scope="col">{c}</th>
        ))}
      </tr>
    </thead>
  );
}
