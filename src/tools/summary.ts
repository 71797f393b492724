// The closing summary of a tool run: one line per table, then the conflicts resolved.
import type { CopiedTable } from './copy-store.js';
import type { ImportReport } from './import-legacy.js';

export function formatImportReport(report: ImportReport): string {
  const tables = Object.entries(report.tables).map(
    ([name, table]) =>
      `  ${name}: ${table.read} read, ${table.imported} imported, ${table.alreadyPresent} already present, ${table.unimportable} not importable`,
  );
  const resolved = [
    `  logins renamed (case twins of an older login, or outside our rules): ${report.renamedLogins}`,
    `  rooms sharing their members with an older room (kept; a new room for those members returns the oldest): ${report.roomsSharingMembers}`,
    `  duplicate memberships collapsed into one: ${report.duplicateMemberships}`,
    `  passwords that are no MD5 digest (those users cannot log in): ${report.unusablePasswords}`,
  ];
  return `${[...tables, 'conflicts resolved:', ...resolved].join('\n')}\n`;
}

export function formatCopyReport(copied: readonly CopiedTable[]): string {
  return copied
    .map(
      (table) =>
        `  ${table.table}: ${table.read} read, ${table.copied} copied, ${table.alreadyPresent} already present\n`,
    )
    .join('');
}
