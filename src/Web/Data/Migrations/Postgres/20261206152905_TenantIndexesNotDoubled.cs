using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TenantIndexesNotDoubled : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkTasks_TenantId",
                table: "WorkTasks");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowVersions_TenantId",
                table: "WorkflowVersions");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_TenantId",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_TrainingRecords_TenantId",
                table: "TrainingRecords");

            migrationBuilder.DropIndex(
                name: "IX_Submissions_TenantId",
                table: "Submissions");

            migrationBuilder.DropIndex(
                name: "IX_StatusChanges_TenantId",
                table: "StatusChanges");

            migrationBuilder.DropIndex(
                name: "IX_Signatures_TenantId",
                table: "Signatures");

            migrationBuilder.DropIndex(
                name: "IX_Sessions_TenantId",
                table: "Sessions");

            migrationBuilder.DropIndex(
                name: "IX_SessionAttendance_TenantId",
                table: "SessionAttendance");

            migrationBuilder.DropIndex(
                name: "IX_Relationships_TenantId",
                table: "Relationships");

            migrationBuilder.DropIndex(
                name: "IX_RelationshipMembers_TenantId",
                table: "RelationshipMembers");

            migrationBuilder.DropIndex(
                name: "IX_Outbox_TenantId",
                table: "Outbox");

            migrationBuilder.DropIndex(
                name: "IX_JournalEntries_TenantId",
                table: "JournalEntries");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_TenantId",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_FormVersions_TenantId",
                table: "FormVersions");

            migrationBuilder.DropIndex(
                name: "IX_Events_TenantId",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_EmailTemplateVersions_TenantId",
                table: "EmailTemplateVersions");

            migrationBuilder.DropIndex(
                name: "IX_EmailLinks_TenantId",
                table: "EmailLinks");

            migrationBuilder.DropIndex(
                name: "IX_DispatchLeases_TenantId",
                table: "DispatchLeases");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_TenantId",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AspNetUsers_TenantId",
                table: "AspNetUsers");

            migrationBuilder.DropIndex(
                name: "IX_AspNetUserLogins_TenantId",
                table: "AspNetUserLogins");

            migrationBuilder.DropIndex(
                name: "IX_Actions_TenantId",
                table: "Actions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_WorkTasks_TenantId",
                table: "WorkTasks",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowVersions_TenantId",
                table: "WorkflowVersions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_TenantId",
                table: "WorkflowInstances",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingRecords_TenantId",
                table: "TrainingRecords",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_TenantId",
                table: "Submissions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_StatusChanges_TenantId",
                table: "StatusChanges",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Signatures_TenantId",
                table: "Signatures",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Sessions_TenantId",
                table: "Sessions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_SessionAttendance_TenantId",
                table: "SessionAttendance",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Relationships_TenantId",
                table: "Relationships",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_RelationshipMembers_TenantId",
                table: "RelationshipMembers",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_TenantId",
                table: "Outbox",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_JournalEntries_TenantId",
                table: "JournalEntries",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_TenantId",
                table: "Incidents",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_FormVersions_TenantId",
                table: "FormVersions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Events_TenantId",
                table: "Events",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_EmailTemplateVersions_TenantId",
                table: "EmailTemplateVersions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_EmailLinks_TenantId",
                table: "EmailLinks",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_DispatchLeases_TenantId",
                table: "DispatchLeases",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_TenantId",
                table: "AuditEntries",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_TenantId",
                table: "AspNetUsers",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_TenantId",
                table: "AspNetUserLogins",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_TenantId",
                table: "Actions",
                column: "TenantId");
        }
    }
}
