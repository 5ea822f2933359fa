"use client";
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";

const PLUGINS = [remarkGfm];

const SAFE = /^(https?:|mailto:|#|\/(?!\/)|\.{0,2}\/)/i;

/** Only http(s), mailto, anchors and relative links survive; javascript:, data:, vbscript: etc. are dropped. */
export function safeUrl(url: string): string {
  const u = defaultUrlTransform(url.trim());
  if (!u) return "";
  if (/^[a-z][a-z0-9+.-]*:/i.test(u) && !/^(https?|mailto):/i.test(u)) return "";
  return SAFE.test(u) || !/:/.test(u) ? u : "";
}

/** GFM markdown (tables, task lists, strikethrough, autolinks) without raw HTML (no rehype-raw; HTML is skipped) and with safe links only (SPEC §10). */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="md">
      <ReactMarkdown
        skipHtml
        remarkPlugins={PLUGINS}
        urlTransform={safeUrl}
        components={{
          a: ({ href, children }) => (href ? <a href={href} target="_blank" rel="noopener noreferrer nofollow">{children}</a> : <span>{children}</span>),
          table: ({ children }) => <div className="overflow-x-auto"><table className="my-1 border-collapse text-[12px]">{children}</table></div>,
          th: ({ children, style }) => <th style={style} className="border border-[var(--line)] bg-[var(--chip)] px-1.5 py-0.5 text-left">{children}</th>,
          td: ({ children, style }) => <td style={style} className="border border-[var(--line)] px-1.5 py-0.5">{children}</td>,
          img: ({ src, alt }) => (typeof src === "string" && src ? <a href={src} target="_blank" rel="noopener noreferrer nofollow">{alt || src}</a> : null),
        }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
