/**
 * Figures that lead somewhere: a count in large digits above what it counts, the whole figure a link to the list
 * of what was counted. A list, so a screen reader says how many figures there are and reads each as one link.
 */
export interface Figure {
  /** The count, already formatted for the page's language. */
  count: string;
  /** What is counted, read after the number: "förslag väntar på beslut". */
  label: string;
  href: string;
}

export function Figures({ figures }: { figures: readonly Figure[] }) {
  return (
    <ul class="figures">
      {figures.map((figure) => (
        <li class="figures__item">
          <a class="figure" href={figure.href}>
            <span class="figure__count">{figure.count}</span> <span class="figure__label">{figure.label}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
