// Draws the "How it works" diagram from packages/core/ARCHITECTURE.md at docs build time, so the
// picture and the file list cannot drift apart: ARCHITECTURE.md is the one place that names them.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** One step of a flow: its name, the files of packages/core/src it happens in, what happens. */
export interface ArchitectureStep {
  step: string
  files: string[]
  text: string
}

/** One flow of ARCHITECTURE.md (a `##` section with a numbered list). */
export interface ArchitectureFlow {
  title: string
  steps: ArchitectureStep[]
}

const stepLine = /^\d+\.\s+\*\*(.+?)\*\*\s+—\s+(.+?):\s+(.+)$/

/** Every `` `name.ts` `` a piece of text names, in order, without repeats. */
export function filesNamed(text: string): string[] {
  return [...new Set([...text.matchAll(/`([\w./-]+\.ts)`/g)].map((match) => match[1] ?? ''))]
}

/**
 * Reads the flows of ARCHITECTURE.md: each `##` section whose body is a numbered list of
 * `**Step** — files: what happens`. Throws on an item that does not have that shape.
 * @example parseArchitecture(readFileSync('packages/core/ARCHITECTURE.md', 'utf8'))
 */
export function parseArchitecture(markdown: string): ArchitectureFlow[] {
  const flows: ArchitectureFlow[] = []
  let current: ArchitectureFlow | undefined
  for (const line of markdown.split('\n')) {
    const heading = /^##\s+(.+)$/.exec(line)
    if (heading) {
      current = { title: heading[1]?.trim() ?? '', steps: [] }
      flows.push(current)
      continue
    }
    if (current === undefined || !/^\d+\.\s/.test(line)) continue
    const match = stepLine.exec(line)
    if (match === null) throw new Error(`ARCHITECTURE.md: not "**Step** — files: what happens": ${line}`)
    current.steps.push({ step: match[1] ?? '', files: filesNamed(match[2] ?? ''), text: match[3] ?? '' })
  }
  return flows.filter((flow) => flow.steps.length > 0)
}

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

/** Splits `files` into lines of at most `width` characters. */
function wrap(files: readonly string[], width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const file of files) {
    const next = line === '' ? file : `${line}, ${file}`
    if (next.length > width && line !== '') {
      lines.push(`${line},`)
      line = file
    } else line = next
  }
  if (line !== '') lines.push(line)
  return lines
}

/**
 * The diagram, as one inline SVG element (colours from the theme's `.arch-diagram` CSS): a column
 * per flow between "your code" at the top and the broker at the bottom; a publish goes down, a
 * received message comes up.
 */
export function architectureDiagram(flows: readonly ArchitectureFlow[]): string {
  const columnWidth = 340
  const gap = 64
  const boxGap = 26
  const lineHeight = 15
  const top = 56
  const width = flows.length * columnWidth + (flows.length - 1) * gap
  const columns = flows.map((flow) =>
    flow.steps.map((step) => ({
      step,
      lines: wrap(step.files, 44),
      height: 26 + wrap(step.files, 44).length * lineHeight,
    })),
  )
  const columnHeight = (boxes: (typeof columns)[number]) =>
    boxes.reduce((sum, box) => sum + box.height, 0) + (boxes.length - 1) * boxGap
  const height = Math.max(...columns.map(columnHeight)) + top + 60
  const parts: string[] = []
  flows.forEach((flow, index) => {
    const x = index * (columnWidth + gap)
    const upward = index % 2 === 1 // received: from the broker (bottom) up to your loop
    const kind = upward ? 'receive' : 'publish'
    const boxes = upward ? [...(columns[index] ?? [])].reverse() : (columns[index] ?? [])
    parts.push(
      `<text class="flow-title" x="${x + columnWidth / 2}" y="20" text-anchor="middle">${escapeXml(flow.title)}</text>`,
      `<text class="flow-hint" x="${x + columnWidth / 2}" y="38" text-anchor="middle">${upward ? '↑ from the broker to your loop' : '↓ from your code to the broker'}</text>`,
    )
    let y = top
    boxes.forEach((box, position) => {
      const number = upward ? boxes.length - position : position + 1
      parts.push(
        `<g class="step ${kind}"><title>${escapeXml(`${box.step.step}: ${box.step.text}`)}</title>`,
        `<rect class="box" x="${x}" y="${y}" width="${columnWidth}" height="${box.height}" rx="6"/>`,
        `<text class="step-name" x="${x + 12}" y="${y + 19}">${number}. ${escapeXml(box.step.step)}</text>`,
        ...box.lines.map(
          (line, lineIndex) =>
            `<text class="files" x="${x + 12}" y="${y + 19 + (lineIndex + 1) * lineHeight}">${escapeXml(line)}</text>`,
        ),
        '</g>',
      )
      const next = boxes[position + 1]
      if (next !== undefined) {
        const cx = x + columnWidth / 2
        const [from, to] = upward
          ? [y + box.height + boxGap - 2, y + box.height + 2]
          : [y + box.height + 2, y + box.height + boxGap - 2]
        parts.push(
          `<line class="arrow" x1="${cx}" y1="${from}" x2="${cx}" y2="${to}" marker-end="url(#arch-arrow)"/>`,
        )
      }
      y += box.height + boxGap
    })
  })
  const bottom = height - 34
  parts.push(
    `<rect class="broker" x="0" y="${bottom}" width="${width}" height="30" rx="6"/>`,
    `<text class="step-name" x="${width / 2}" y="${bottom + 20}" text-anchor="middle">MQTT.js 5 · socket · broker</text>`,
  )
  return [
    `<svg class="arch-diagram" role="img" aria-labelledby="arch-title" viewBox="0 0 ${width} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">`,
    '<title id="arch-title">How a publish and a received message flow through @await-mqtt/core, with the file at each step</title>',
    '<defs><marker id="arch-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow-head" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ...parts,
    '</svg>',
  ].join('\n')
}

/** The flows as Markdown lists, file names in code, for under the diagram. */
export function architectureLists(flows: readonly ArchitectureFlow[]): string {
  return flows
    .map(
      (flow) =>
        `### ${flow.title}\n\n${flow.steps
          .map(
            (step, index) =>
              `${index + 1}. **${step.step}** (${step.files.map((file) => `\`${file}\``).join(', ')}): ${step.text}`,
          )
          .join('\n')}`,
    )
    .join('\n\n')
}

/**
 * Writes `generated/architecture.md` (the diagram and the lists, included by guide/how-it-works.md)
 * from packages/core/ARCHITECTURE.md. Returns the flows drawn.
 * @example await generateArchitecture('/work/main', '/work/main/apps/docs')
 */
export async function generateArchitecture(root: string, docsRoot: string): Promise<ArchitectureFlow[]> {
  const flows = parseArchitecture(await readFile(join(root, 'packages', 'core', 'ARCHITECTURE.md'), 'utf8'))
  await mkdir(join(docsRoot, 'generated'), { recursive: true })
  await writeFile(
    join(docsRoot, 'generated', 'architecture.md'),
    `${architectureDiagram(flows)}\n\n${architectureLists(flows)}\n`,
  )
  return flows
}
