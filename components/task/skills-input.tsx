"use client";
import { useState } from "react";
import { inputCls } from "./ui";

/** Skills as removable chips; Enter or comma adds one. */
export function SkillsInput({ skills, onChange }: { skills: string[]; onChange(next: string[]): void }) {
  const [draft, setDraft] = useState("");
  const add = () => {
    const names = draft.split(",").map((s) => s.trim()).filter((s) => s && !skills.includes(s));
    setDraft("");
    if (names.length) onChange([...skills, ...names]);
  };
  return (
    <div className="flex flex-wrap items-center gap-1" role="group" aria-label="Skills">
      {skills.map((s) => (
        <span key={s} data-testid="skill-chip" className="flex items-center gap-0.5 rounded-full bg-[var(--chip)] py-0.5 pr-1 pl-2 text-[12px]">
          {s}
          <button type="button" aria-label={`Remove skill ${s}`} className="rounded px-1 hover:bg-[var(--line)]" onClick={() => onChange(skills.filter((x) => x !== s))}>×</button>
        </span>
      ))}
      <input
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        aria-label="Add skill"
        placeholder="add skill"
        className={`${inputCls} w-28`}
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === ",") { e.preventDefault(); add(); }
          if (e.key === "Backspace" && !draft && skills.length) onChange(skills.slice(0, -1));
        }}
        onBlur={add}
      />
    </div>
  );
}
