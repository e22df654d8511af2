// The usage report as a PDF (pdfkit): a cover, totals against limits, one chart per metric drawn
// with vector paths, per-team and per-person tables, cost by country and channel, page numbers.
import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { formatMicros, metricLabel, type ReportLine, type UsageReportData } from './usage-report-data';

const MARGIN = 50;
const ACCENT = '#1c7ed6';
const CELL_FONT_SIZE = 9;

/** pdfkit's standard fonts cover Latin-1 only: anything else would print as garbage. */
function latin1(text: string) {
  return text.normalize('NFKC').replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?');
}

const num = (n: number) => n.toLocaleString('en-US');

export async function renderUsageReportPdf(report: UsageReportData, out: Writable, options: { maxPeopleRows?: number } = {}) {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Title: latin1(`Usage report — ${report.scope.name} — ${report.period.month}`), Author: 'Meterdesk', Creator: 'Meterdesk' } });
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    doc.on('error', reject);
  });
  doc.pipe(out);
  const width = doc.page.width - MARGIN * 2;
  const currency = report.currency;

  // Cover.
  doc.fillColor(ACCENT).fontSize(28).font('Helvetica-Bold').text('Usage report', MARGIN, 160);
  doc.moveDown(0.5).fillColor('#000').fontSize(18).font('Helvetica').text(latin1(report.scope.name));
  doc.fontSize(12).fillColor('#444');
  doc.moveDown(1);
  doc.text(latin1(`Organization: ${report.organization.name}`));
  doc.text(`Scope: ${report.scope.kind}`);
  doc.text(`Period: ${report.period.month} (${report.period.start.slice(0, 10)} to ${report.period.end.slice(0, 10)}, end exclusive)`);
  doc.text(latin1(`Plan: ${report.plan}`));
  doc.text(latin1(`Generated ${report.generatedAt.replace('T', ' ').slice(0, 19)} UTC by ${report.generatedBy.name}`));
  const totalCost = report.totals.reduce((s, t) => s + t.costMicros, 0);
  const totalPrice = report.totals.reduce((s, t) => s + t.priceMicros, 0);
  const totalEvents = report.totals.reduce((s, t) => s + t.events, 0);
  doc.moveDown(1).fillColor('#000').fontSize(12).text(`Events: ${num(totalEvents)}   Cost: ${formatMicros(totalCost, currency)}   Price: ${formatMicros(totalPrice, currency)}`);

  // Totals against limits.
  doc.addPage();
  heading(doc, 'Totals against limits');
  table(
    doc,
    ['Metric', 'Quantity', 'Limit', 'Share', 'Cost', 'Price'],
    report.totals.map((t) => [t.label, num(t.quantity), t.limit === null ? 'no limit' : num(t.limit), t.percent === null ? '—' : `${t.percent.toFixed(1)}%`, formatMicros(t.costMicros, currency), formatMicros(t.priceMicros, currency)]),
    [0.28, 0.14, 0.14, 0.1, 0.17, 0.17],
    width,
  );

  // One chart per metric: daily quantities as bars, on a page of their own each two.
  const metrics = report.totals.filter((t) => t.events > 0).map((t) => t.metric);
  metrics.forEach((metric, i) => {
    if (i % 2 === 0) doc.addPage();
    const top = i % 2 === 0 ? MARGIN : MARGIN + 360;
    chart(doc, metric, report.daily.filter((d) => d.metric === metric), report.period.start, report.period.end, MARGIN, top, width, 300);
  });

  // Per team, per person, by country and channel.
  doc.addPage();
  heading(doc, 'By team');
  lineTable(doc, report.teams, currency, width);
  doc.addPage();
  heading(doc, 'By person');
  const maxPeople = options.maxPeopleRows ?? 2000;
  lineTable(doc, report.people.slice(0, maxPeople), currency, width);
  if (report.people.length > maxPeople) doc.fontSize(9).fillColor('#666').text(`… and ${num(report.people.length - maxPeople)} more rows: see usage-summary.csv.`);
  doc.addPage();
  heading(doc, 'Cost by country');
  lineTable(doc, report.countries, currency, width);
  doc.moveDown(1);
  heading(doc, 'Cost by channel');
  lineTable(doc, report.channels, currency, width);

  // Page numbers.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(8).fillColor('#888').text(`Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 30, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await finished;
  return { pages: range.count };
}

function heading(doc: PDFKit.PDFDocument, text: string) {
  doc.x = MARGIN;
  doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(16).text(text, MARGIN);
  doc.moveDown(0.5).font('Helvetica').fillColor('#000');
}

function lineTable(doc: PDFKit.PDFDocument, lines: ReportLine[], currency: string, width: number) {
  table(
    doc,
    ['Name', 'Metric', 'Events', 'Quantity', 'Cost', 'Price'],
    lines.map((l) => [l.label, metricLabel(l.metric), l.events === null ? '—' : num(l.events), num(l.quantity), formatMicros(l.costMicros, currency), formatMicros(l.priceMicros, currency)]),
    [0.27, 0.2, 0.1, 0.13, 0.15, 0.15],
    width,
  );
}

/**
 * One cell's text on one line, cut with an ellipsis when wider than the cell. Placed by measuring
 * the string ourselves: pdfkit's line wrapper (what `width`/`ellipsis` options start) costs more
 * than the rest of a table row together, for thousands of cells.
 */
function cell(doc: PDFKit.PDFDocument, text: string, x: number, y: number, w: number, align: 'left' | 'right') {
  let t = latin1(text);
  // A left-aligned text too short to overflow even in its widest glyphs needs no measuring.
  if (align === 'left' && t.length * CELL_FONT_SIZE * 1.02 <= w) {
    doc.text(t, x, y, { lineBreak: false });
    return;
  }
  let tw = doc.widthOfString(t);
  if (tw > w) {
    while (t.length > 1 && doc.widthOfString(`${t}…`) > w) t = t.slice(0, -1);
    t = `${t}…`;
    tw = doc.widthOfString(t);
  }
  doc.text(t, align === 'left' ? x : x + w - tw, y, { lineBreak: false });
}

function table(doc: PDFKit.PDFDocument, header: string[], rows: string[][], widths: number[], width: number) {
  const rowHeight = 16;
  const drawRow = (cells: string[], bold: boolean) => {
    if (doc.y + rowHeight > doc.page.height - MARGIN - 20) doc.addPage();
    const y = doc.y;
    let x = MARGIN;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(CELL_FONT_SIZE).fillColor('#000');
    cells.forEach((text, i) => {
      const w = widths[i]! * width;
      cell(doc, text, x + 2, y + 4, w - 4, i === 0 ? 'left' : 'right');
      x += w;
    });
    doc.moveTo(MARGIN, y + rowHeight).lineTo(MARGIN + width, y + rowHeight).lineWidth(0.3).strokeColor('#ccc').stroke();
    doc.x = MARGIN;
    doc.y = y + rowHeight;
  };
  drawRow(header, true);
  if (rows.length === 0) {
    doc.font('Helvetica').fontSize(9).fillColor('#666').text('No usage in this period.', MARGIN, doc.y + 4);
    doc.moveDown(0.5);
    return;
  }
  for (const row of rows) drawRow(row, false);
  doc.moveDown(0.5);
}

function chart(doc: PDFKit.PDFDocument, metric: string, points: { day: string; quantity: number }[], start: string, end: string, x: number, y: number, w: number, h: number) {
  doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(13).text(latin1(`${metricLabel(metric)} per day`), x, y);
  const top = y + 24;
  const plotH = h - 50;
  const left = x + 45;
  const plotW = w - 45;
  const days: string[] = [];
  for (let d = new Date(start); d < new Date(end); d = new Date(d.getTime() + 86_400_000)) days.push(d.toISOString().slice(0, 10));
  const byDay = new Map(points.map((p) => [p.day, p.quantity]));
  const max = Math.max(1, ...points.map((p) => p.quantity));
  // Axes and grid.
  doc.lineWidth(0.5).strokeColor('#999').moveTo(left, top).lineTo(left, top + plotH).lineTo(left + plotW, top + plotH).stroke();
  doc.font('Helvetica').fontSize(7).fillColor('#666');
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const gy = top + plotH - (plotH * i) / 4;
    doc.text(num(Math.round(v)), x, gy - 3, { width: 40, align: 'right', lineBreak: false });
    if (i > 0) doc.lineWidth(0.2).strokeColor('#ddd').moveTo(left, gy).lineTo(left + plotW, gy).stroke();
  }
  // Bars: one vector rectangle per day, all in one path filled once.
  const slot = plotW / Math.max(1, days.length);
  let bars = 0;
  days.forEach((day, i) => {
    const bh = ((byDay.get(day) ?? 0) / max) * plotH;
    if (bh > 0 && ++bars) doc.rect(left + i * slot + slot * 0.15, top + plotH - bh, slot * 0.7, bh);
  });
  if (bars) doc.fill(ACCENT);
  doc.fillColor('#666').fontSize(7);
  days.forEach((day, i) => {
    if (i % 5 === 0) doc.text(day.slice(5), left + i * slot - 4, top + plotH + 4, { lineBreak: false });
  });
  const total = points.reduce((s, p) => s + p.quantity, 0);
  doc.fillColor('#000').fontSize(9).text(`Total: ${num(total)}`, left, top + plotH + 16, { lineBreak: false });
  doc.x = MARGIN;
}
