using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TenantScopedLookupIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Submissions_TenantId_RelationshipId",
                table: "Submissions");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingRecords_TenantId_StaffMemberId",
                table: "TrainingRecords",
                columns: new[] { "TenantId", "StaffMemberId" });

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_TenantId_RelationshipId_SessionId",
                table: "Submissions",
                columns: new[] { "TenantId", "RelationshipId", "SessionId" });

            migrationBuilder.CreateIndex(
                name: "IX_Signatures_TenantId_SubmissionId",
                table: "Signatures",
                columns: new[] { "TenantId", "SubmissionId" });

            migrationBuilder.CreateIndex(
                name: "IX_RelationshipMembers_TenantId_RelationshipId",
                table: "RelationshipMembers",
                columns: new[] { "TenantId", "RelationshipId" });

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_TenantId_LineManagerId",
                table: "AspNetUsers",
                columns: new[] { "TenantId", "LineManagerId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TrainingRecords_TenantId_StaffMemberId",
                table: "TrainingRecords");

            migrationBuilder.DropIndex(
                name: "IX_Submissions_TenantId_RelationshipId_SessionId",
                table: "Submissions");

            migrationBuilder.DropIndex(
                name: "IX_Signatures_TenantId_SubmissionId",
                table: "Signatures");

            migrationBuilder.DropIndex(
                name: "IX_RelationshipMembers_TenantId_RelationshipId",
                table: "RelationshipMembers");

            migrationBuilder.DropIndex(
                name: "IX_AspNetUsers_TenantId_LineManagerId",
                table: "AspNetUsers");

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_TenantId_RelationshipId",
                table: "Submissions",
                columns: new[] { "TenantId", "RelationshipId" });
        }
    }
}
