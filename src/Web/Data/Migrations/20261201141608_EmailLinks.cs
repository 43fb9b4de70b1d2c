using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class EmailLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsBooking",
                table: "WorkTasks",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "SessionId",
                table: "WorkTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubmissionId",
                table: "WorkTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EmailLinks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TaskId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StaffId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CodeExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CodeFailures = table.Column<int>(type: "INTEGER", nullable: false),
                    CodeWindowStart = table.Column<long>(type: "INTEGER", nullable: true),
                    CodesInWindow = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailLinks", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WorkTasks_TenantId_SubmissionId",
                table: "WorkTasks",
                columns: new[] { "TenantId", "SubmissionId" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailLinks_TenantId",
                table: "EmailLinks",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_EmailLinks_TenantId_TaskId",
                table: "EmailLinks",
                columns: new[] { "TenantId", "TaskId" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailLinks_TenantId_TokenHash",
                table: "EmailLinks",
                columns: new[] { "TenantId", "TokenHash" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EmailLinks");

            migrationBuilder.DropIndex(
                name: "IX_WorkTasks_TenantId_SubmissionId",
                table: "WorkTasks");

            migrationBuilder.DropColumn(
                name: "IsBooking",
                table: "WorkTasks");

            migrationBuilder.DropColumn(
                name: "SessionId",
                table: "WorkTasks");

            migrationBuilder.DropColumn(
                name: "SubmissionId",
                table: "WorkTasks");
        }
    }
}
