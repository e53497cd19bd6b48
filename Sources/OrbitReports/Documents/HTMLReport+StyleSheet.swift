extension HTMLReport {
    /// The page's CSS, inline so the file stands alone. Plain, print-friendly, readable on phones;
    /// figures shrink to the page width (their viewBox keeps the aspect ratio).
    static let styleSheet = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
               color: #222; background: #fff; max-width: 1000px; margin: 2em auto; padding: 0 1em; line-height: 1.5; }
        h1 { font-size: 1.7em; margin: 0 0 0.4em 0; }
        h2 { font-size: 1.3em; margin-top: 2em; padding-bottom: 0.2em; border-bottom: 1px solid #ddd; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25em 1.5em; margin: 0;
                   padding: 0.8em 1em; background: #f5f7f9; border: 1px solid #e3e7eb; border-radius: 6px; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere;
                      font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
        figure { margin: 1.5em 0; }
        figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
        figcaption { margin-top: 0.5em; font-size: 0.93em; color: #444; }
        .label { font-weight: 600; }
        div.table { overflow-x: auto; margin: 1em 0; }
        table { border-collapse: collapse; font-size: 0.93em; }
        caption { caption-side: top; text-align: left; padding-bottom: 0.4em; color: #444; }
        th, td { padding: 0.3em 0.9em; text-align: left; border-bottom: 1px solid #e3e7eb; vertical-align: top; }
        thead th { border-bottom: 2px solid #999; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        pre { background: #f5f7f9; border: 1px solid #e3e7eb; border-radius: 6px; padding: 0.8em; overflow-x: auto;
              font-size: 0.88em; }
        """
}
