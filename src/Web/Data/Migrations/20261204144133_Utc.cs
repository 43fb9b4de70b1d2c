using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations
{
    /// <summary>
    /// Every time is now written in UTC (UtcDateTimeOffsetConverter, docs/adr/0023-utc-times.md). The
    /// storage layout stays EF Core's DateTimeOffsetToBinaryConverter's: ticks / 1000 shifted left
    /// 11 bits, the offset in minutes (signed) in the low 11. Rows written in UTC (offset bits 0) are
    /// already right; a row written with an offset held its local ticks, so it is rewritten as the
    /// same instant in UTC: local ticks less the offset, offset bits 0. Audit entries are rewritten
    /// too: their hash covers the instant in UTC, which does not change. PostgreSQL needs nothing:
    /// timestamptz holds instants, and a value with an offset was never saved there.
    /// </summary>
    public partial class Utc : Migration
    {
        /// <summary>Every DateTimeOffset column of the model at this migration.</summary>
        private static readonly Dictionary<string, string[]> Columns = new()
        {
            ["AuditEntries"] = ["At"],
            ["EmailTemplateVersions"] = ["PublishedAt"],
            ["Outbox"] = ["ClaimedUntil", "CreatedAt", "FailedAt", "NextAttemptAt", "SentAt"],
            ["EmailLinks"] = ["CodeExpiresAt", "CodeWindowStart", "CreatedAt", "ExpiresAt", "UsedAt"],
            ["FormVersions"] = ["PublishedAt"],
            ["Signatures"] = ["SignedAt", "VoidedAt"],
            ["Submissions"] = ["CreatedAt", "FullySignedAt", "SubmittedAt", "UpdatedAt"],
            ["LineManagerChanges"] = ["ChangedAt"],
            ["AspNetUsers"] = ["LockoutEnd"],
            ["Events"] = ["ClaimedUntil", "DispatchedAt", "OccurredAt"],
            ["Sessions"] = ["BookedAt", "OutcomeAt"],
            ["StatusChanges"] = ["At"],
            ["Tenants"] = ["CreatedAt", "UpdatedAt"],
            ["Incidents"] = ["At", "ResolvedAt"],
            ["JournalEntries"] = ["At"],
            ["WorkTasks"] = ["CreatedAt", "DoneAt"],
            ["WorkflowInstances"] = ["ClaimedUntil", "DueAt", "StartedAt", "UpdatedAt"],
            ["WorkflowVersions"] = ["LastScheduledAt", "PublishedAt"],
            ["PlatformAdmins"] = ["LockedUntil", "TotpEnrolledAt"],
        };

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, columns) in Columns)
                foreach (var column in columns)
                {
                    // The offset in minutes, sign-extended from 11 bits; one minute is 600,000 units of 1,000 ticks.
                    var offset = $"(CASE WHEN (\"{column}\" & 2047) >= 1024 THEN (\"{column}\" & 2047) - 2048 ELSE (\"{column}\" & 2047) END)";
                    migrationBuilder.Sql($"UPDATE \"{table}\" SET \"{column}\" = ((\"{column}\" >> 11) - {offset} * 600000) << 11 " +
                                         $"WHERE \"{column}\" IS NOT NULL AND (\"{column}\" & 2047) <> 0;");
                }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: the previous converter reads UTC rows as the same instants.
        }
    }
}
