/** A data table with a caption and column headers; numeric columns are right-aligned so digits line up. */
import type { Child } from "hono/jsx";

export interface TableProps {
  caption: string;
  /** Show the caption as a heading-sized title, or only to screen readers when a heading already says it. */
  captionVisible?: boolean;
  head: readonly string[];
  rows: readonly (readonly Child[])[];
  /** Indexes of the columns that hold numbers or amounts. */
  numeric?: readonly number[];
}

export function Table({ caption, captionVisible = true, head, rows, numeric = [] }: TableProps) {
  const cellClass = (index: number, base: string) => (numeric.includes(index) ? `${base} ${base}--numeric` : base);
  return (
    <table class="table">
      <caption class={captionVisible ? "table__caption" : "visually-hidden"}>{caption}</caption>
      <thead>
        <tr>
          {head.map((text, index) => (
            <th scope="col" class={cellClass(index, "table__header")}>
              {text}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr>
            {row.map((cell, index) => (
              <td class={cellClass(index, "table__cell")}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
