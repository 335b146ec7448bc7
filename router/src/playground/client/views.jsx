// The playground's own panels in GraphiQL's sidebar: a table of any list in the last result (CSV download,
// bar chart of a numeric column), the query plan the router executed (staff), and saved operations.
import { useEditorContext } from "@graphiql/react";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { findLists, labelColumn, numericColumns, tableOf, toCsv } from "../result-table.ts";
import { lastResult, subscribeResults } from "./results.js";
import { getSession, isStaff, subscribeSession } from "./session.js";

const useResult = () => useSyncExternalStore(subscribeResults, lastResult);
export const useSession = () => useSyncExternalStore(subscribeSession, getSession);

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function BarChart({ table, column }) {
  const value = table.columns.indexOf(column);
  const label = table.columns.indexOf(labelColumn(table) ?? "");
  const numbers = table.rows.map((row) => Number(row[value] || 0));
  const max = Math.max(0, ...numbers);
  const min = Math.min(0, ...numbers);
  const span = max - min || 1;
  const rowHeight = 22;
  const width = 400;
  const labelWidth = 120;
  const zero = labelWidth + ((0 - min) / span) * (width - labelWidth - 60);
  return (
    <svg className="fb-chart" viewBox={`0 0 ${width} ${numbers.length * rowHeight + 4}`} role="img" aria-label={`Bar chart of ${column}`}>
      {numbers.map((number, index) => {
        const end = labelWidth + ((number - min) / span) * (width - labelWidth - 60);
        const y = index * rowHeight + 2;
        return (
          <g key={index}>
            <text x={labelWidth - 6} y={y + 15} textAnchor="end" className="fb-chart-label">
              {label >= 0 ? String(table.rows[index][label]).slice(0, 18) : `#${index + 1}`}
            </text>
            <rect x={Math.min(zero, end)} y={y} width={Math.max(1, Math.abs(end - zero))} height={rowHeight - 6} className="fb-chart-bar" />
            <text x={Math.max(zero, end) + 4} y={y + 15} className="fb-chart-value">
              {table.rows[index][value]}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function TableView() {
  const result = useResult();
  const lists = useMemo(() => findLists(result?.body?.data), [result]);
  const [path, setPath] = useState("");
  const list = lists.find((candidate) => candidate.path === path) ?? lists[0];
  const table = useMemo(() => (list ? tableOf(list) : null), [list]);
  const numeric = table ? numericColumns(table) : [];
  const [chartColumn, setChartColumn] = useState("");
  const charted = numeric.includes(chartColumn) ? chartColumn : numeric[0];
  if (!list || !table) return <p className="fb-hint">Run an operation whose result has a list (accounts, transactions, KPIs ...): it shows here as a table.</p>;
  return (
    <div className="fb-table-view">
      <div className="fb-row">
        <label>
          List{" "}
          <select id="fb-table-list" value={list.path} onChange={(event) => setPath(event.target.value)}>
            {lists.map((candidate) => (
              <option key={candidate.path} value={candidate.path}>
                {candidate.path || "(root)"} ({candidate.rows.length})
              </option>
            ))}
          </select>
        </label>
        <button type="button" id="fb-csv" className="fb-button" onClick={() => download(`${list.path || "result"}.csv`, toCsv(table))}>
          Download CSV
        </button>
      </div>
      <div className="fb-table-scroll">
        <table className="fb-table">
          <thead>
            <tr>{table.columns.map((column) => <th key={column}>{column}</th>)}</tr>
          </thead>
          <tbody>
            {table.rows.map((row, index) => (
              <tr key={index}>{row.map((cell, column) => <td key={column}>{cell}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
      {charted ? (
        <div className="fb-chart-view">
          <label>
            Chart{" "}
            <select id="fb-chart-column" value={charted} onChange={(event) => setChartColumn(event.target.value)}>
              {numeric.map((column) => <option key={column} value={column}>{column}</option>)}
            </select>
          </label>
          <BarChart table={table} column={charted} />
        </div>
      ) : null}
    </div>
  );
}

function PlanView() {
  const result = useResult();
  const session = useSession();
  if (!isStaff(session)) {
    return <p className="fb-hint">Query plans are shown to staff: sign in as teller@, admin@, auditor@ or analyst@demo.bank.</p>;
  }
  const plan = result?.body?.extensions?.queryPlan;
  if (!plan) return <p className="fb-hint">Run a query or mutation: the plan the router executed for it shows here.</p>;
  return (
    <div className="fb-plan-view">
      <p>Subgraphs, in plan order: {plan.subgraphs.join(" → ")}</p>
      <pre className="fb-plan">{plan.text}</pre>
    </div>
  );
}

const collectionKey = (session) => `fedbank.playground.collections:${session?.user.email ?? "signed-out"}`;

function loadCollection(key) {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? "[]");
    return Array.isArray(saved) ? saved : [];
  } catch {
    return [];
  }
}

function CollectionsView() {
  const session = useSession();
  const key = collectionKey(session);
  const [items, setItems] = useState(() => loadCollection(key));
  const [name, setName] = useState("");
  const editors = useEditorContext({ nonNull: true });
  useEffect(() => setItems(loadCollection(key)), [key]);
  const save = (next) => {
    localStorage.setItem(key, JSON.stringify(next));
    setItems(next);
  };
  const saveCurrent = () => {
    const query = editors.queryEditor?.getValue() ?? "";
    if (!query.trim()) return;
    const title = name.trim() || editors.queryEditor?.operationName || `Operation ${items.length + 1}`;
    save([...items.filter((item) => item.name !== title), { name: title, query, variables: editors.variableEditor?.getValue() ?? "" }]);
    setName("");
  };
  const open = (item) => {
    editors.addTab();
    // The new tab becomes active on the next render; its editors are then filled.
    setTimeout(() => {
      editors.queryEditor?.setValue(item.query);
      editors.variableEditor?.setValue(item.variables ?? "");
    }, 0);
  };
  return (
    <div className="fb-collections">
      <p className="fb-hint">Saved in this browser for {session ? session.user.email : "signed-out use"}.</p>
      <div className="fb-row">
        <input id="fb-save-name" placeholder="Name (default: the operation's)" value={name} onChange={(event) => setName(event.target.value)} />
        <button type="button" id="fb-save" className="fb-button" onClick={saveCurrent}>Save current</button>
      </div>
      <ul className="fb-collection-list">
        {items.map((item) => (
          <li key={item.name}>
            <button type="button" className="fb-link" onClick={() => open(item)}>{item.name}</button>
            <button type="button" className="fb-link fb-delete" aria-label={`Delete ${item.name}`} onClick={() => save(items.filter((other) => other !== item))}>×</button>
          </li>
        ))}
      </ul>
    </div>
  );
}

const icon = (path) => () => (
  <svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
    <path d={path} />
  </svg>
);

export const PLUGINS = [
  { title: "Table", icon: icon("M3 5h18v14H3zM3 10h18M3 15h18M9 5v14"), content: TableView },
  { title: "Query plan", icon: icon("M5 4v6h6M5 10l6 6h8M11 10h8"), content: PlanView },
  { title: "Collections", icon: icon("M5 4h14v16l-7-4-7 4z"), content: CollectionsView },
];
