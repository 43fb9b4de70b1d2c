using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EventsPendingIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Events_DispatchedAt_OccurredAt",
                table: "Events");

            migrationBuilder.CreateIndex(
                name: "IX_Events_Pending",
                table: "Events",
                columns: new[] { "TenantId", "OccurredAt", "Sequence" },
                filter: "\"DispatchedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Events_Pending",
                table: "Events");

            migrationBuilder.CreateIndex(
                name: "IX_Events_DispatchedAt_OccurredAt",
                table: "Events",
                columns: new[] { "DispatchedAt", "OccurredAt" });
        }
    }
}
