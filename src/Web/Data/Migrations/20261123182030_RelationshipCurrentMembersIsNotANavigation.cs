using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class RelationshipCurrentMembersIsNotANavigation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_RelationshipMembers_Relationships_RelationshipId1",
                table: "RelationshipMembers");

            migrationBuilder.DropIndex(
                name: "IX_RelationshipMembers_RelationshipId1",
                table: "RelationshipMembers");

            migrationBuilder.DropColumn(
                name: "RelationshipId1",
                table: "RelationshipMembers");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "RelationshipId1",
                table: "RelationshipMembers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_RelationshipMembers_RelationshipId1",
                table: "RelationshipMembers",
                column: "RelationshipId1");

            migrationBuilder.AddForeignKey(
                name: "FK_RelationshipMembers_Relationships_RelationshipId1",
                table: "RelationshipMembers",
                column: "RelationshipId1",
                principalTable: "Relationships",
                principalColumn: "Id");
        }
    }
}
