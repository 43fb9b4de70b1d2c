using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>The supervision rules through the real database: what a page will do is load, call the domain, save.</summary>
public sealed class SupervisionDomainTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static TimeProvider Clock(IServiceProvider sp) => sp.GetRequiredService<TimeProvider>();

    [Fact]
    public async Task Booking_a_session_writes_one_session_booked_event_in_the_same_save()
    {
        await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var today = sp.Today();
            var relationship = await sp.StartAsync("one-to-one", await db.StaffIdAsync("supervisor@ralph-thoresby.example"),
                await db.StaffIdAsync("tanisha.blake@ralph-thoresby.example"), today);
            var session = Session.Book(relationship, today.AddDays(7), new TimeOnly(15, 30), 60, null, relationship.SupervisorId, Clock(sp).GetUtcNow(), today);
            db.Sessions.Add(session);
            Assert.Equal(0, await db.Events.CountAsync(e => e.SessionId == session.Id)); // nothing before the save
            await db.SaveChangesAsync();

            var booked = Assert.Single(await db.Events.AsNoTracking().Where(e => e.SessionId == session.Id).ToListAsync());
            Assert.Equal(EventTypes.SessionBooked, booked.Type);
            Assert.Equal(relationship.Id, booked.RelationshipId);
            Assert.Empty(session.PendingEvents); // collected, so a second save does not write it twice
            await db.SaveChangesAsync();
            Assert.Equal(1, await db.Events.CountAsync(e => e.SessionId == session.Id));
        });
    }

    [Fact]
    public async Task Marking_a_session_not_attended_writes_session_missed_naming_the_supervisee()
    {
        await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var today = sp.Today();
            var supervisee = await db.StaffIdAsync("kieran.dobson@ralph-thoresby.example");
            var relationship = await sp.StartAsync("one-to-one", await db.StaffIdAsync("supervisor@ralph-thoresby.example"), supervisee, today);
            var session = Session.Book(relationship, today, new TimeOnly(9, 0), 60, null, relationship.SupervisorId, Clock(sp).GetUtcNow(), today);
            db.Sessions.Add(session);
            await db.SaveChangesAsync();

            session.MarkDidNotAttend([supervisee], "No reply", relationship.SupervisorId, Clock(sp).GetUtcNow(), today);
            await db.SaveChangesAsync();

            var missed = Assert.Single(await db.Events.AsNoTracking().Where(e => e.SessionId == session.Id && e.Type == EventTypes.SessionMissed).ToListAsync());
            Assert.Equal(supervisee, missed.StaffId);
            Assert.Equal(relationship.Id, missed.RelationshipId);
            Assert.Equal(SessionStatus.DidNotAttend, (await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session.Id)).Status);
        });
    }

    [Fact]
    public async Task A_save_that_fails_writes_no_event()
    {
        var sessionId = await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var today = sp.Today();
            var type = sp.GetRequiredService<Allocation>().Type("one-to-one");
            // A relationship that was never saved: the session's foreign key fails in the database,
            // after the event has been added to the same unit of work.
            var unsaved = Relationship.Start(type, await db.StaffIdAsync("supervisor@ralph-thoresby.example"),
                [await db.StaffIdAsync("farah.iqbal@ralph-thoresby.example")], today);
            var session = Session.Book(unsaved, today, new TimeOnly(11, 0), 60, null, unsaved.SupervisorId, Clock(sp).GetUtcNow(), today);
            db.Sessions.Add(session);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            return session.Id;
        });
        await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            Assert.False(await db.Sessions.AnyAsync(s => s.Id == sessionId));
            Assert.False(await db.Events.AnyAsync(e => e.SessionId == sessionId));
        });
    }

    [Fact]
    public async Task At_mse_icb_a_seventh_member_of_a_group_is_refused_with_the_limit_in_the_message()
    {
        await app.InTenant("mse-icb", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var allocation = sp.GetRequiredService<Allocation>();
            var today = sp.Today();
            var lead = await db.StaffIdAsync("lead@mse-icb.example"); // trained until 2027: mse-icb refuses untrained supervisors
            var seven = await db.Staff.Where(s => s.Id != lead && s.LeftOn == null).OrderBy(s => s.Email).Select(s => s.Id).Take(7).ToListAsync();
            Assert.Equal(7, seven.Count);

            var tooMany = await Assert.ThrowsAsync<SupervisionRuleException>(() => allocation.StartAsync("group", lead, seven, today, CancellationToken.None));
            Assert.Equal("A group safeguarding supervision can have at most 6 supervisees; this would make 7.", tooMany.Message);

            // Six is allowed; adding the seventh later is refused the same way.
            var group = (await allocation.StartAsync("group", lead, seven.Take(6).ToList(), today, CancellationToken.None)).Relationship;
            await db.SaveChangesAsync();
            var add = Assert.Throws<SupervisionRuleException>(() => group.AddMember(allocation.Type("group"), seven[6], today));
            Assert.Contains("at most 6", add.Message, StringComparison.Ordinal);
            Assert.Equal(6, await db.RelationshipMembers.CountAsync(m => m.RelationshipId == group.Id));
        });
    }

    [Fact]
    public async Task River_tees_refuses_a_supervisor_without_in_date_training()
    {
        await app.InTenant("river-tees", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var allocation = sp.GetRequiredService<Allocation>();
            var today = sp.Today();
            var supervisee = await db.StaffIdAsync("tomasz.wisniewski@river-tees.example");

            var untrained = await sp.NewPersonAsync("Una Trained", "una.trained@river-tees.example", StaffRoles.Supervisor);
            var refused = await Assert.ThrowsAsync<SupervisionRuleException>(() =>
                allocation.StartAsync("safeguarding-one-to-one", untrained.Id, [supervisee], today, CancellationToken.None));
            Assert.Equal("Una Trained has no in-date supervision training recorded. This organisation requires it before anyone supervises.", refused.Message);

            var lapsed = await sp.NewPersonAsync("Lapsed Lee", "lapsed.lee@river-tees.example", StaffRoles.Supervisor);
            lapsed.AddTraining("NSPCC Skills of Safeguarding Supervision", today.AddYears(-4), today.AddDays(-1));
            await db.SaveChangesAsync();
            await Assert.ThrowsAsync<SupervisionRuleException>(() =>
                allocation.StartAsync("safeguarding-one-to-one", lapsed.Id, [supervisee], today, CancellationToken.None));

            Assert.Empty(db.ChangeTracker.Entries<Relationship>());
            Assert.False(await db.RelationshipMembers.AnyAsync(m => m.StaffId == supervisee));
        });
    }

    [Fact]
    public async Task Ascent_allocates_an_untrained_supervisor_with_a_warning()
    {
        await app.InTenant("ascent", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var today = sp.Today();
            var untrained = await sp.NewPersonAsync("Una Trained", "una.trained@ascent.example", StaffRoles.Supervisor);
            var result = await sp.GetRequiredService<Allocation>().StartAsync("one-to-one", untrained.Id,
                [await db.StaffIdAsync("claire.brunton@ascent.example")], today, CancellationToken.None);
            await db.SaveChangesAsync();
            Assert.Equal("Una Trained has no in-date supervision training recorded. Record their training in the staff directory.", result.Warning);
            Assert.True(await db.Relationships.AnyAsync(r => r.Id == result.Relationship.Id));
        });
    }

    [Fact]
    public async Task A_supervisee_cannot_have_a_second_one_to_one_of_the_same_type()
    {
        await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var allocation = sp.GetRequiredService<Allocation>();
            var today = sp.Today();
            var supervisee = await db.StaffIdAsync("samuel.okonjo@ralph-thoresby.example");
            await sp.StartAsync("one-to-one", await db.StaffIdAsync("supervisor@ralph-thoresby.example"), supervisee, today);

            var lead = await db.StaffIdAsync("lead@ralph-thoresby.example");
            var second = await Assert.ThrowsAsync<SupervisionRuleException>(() =>
                allocation.StartAsync("one-to-one", lead, [supervisee], today, CancellationToken.None));
            Assert.Equal("Samuel Okonjo already has one to one supervision; reallocate it instead.", second.Message);

            // A group is a different type: joining one does not conflict.
            await allocation.StartAsync("group", lead, [supervisee], today, CancellationToken.None);
            await db.SaveChangesAsync();
            Assert.Equal(2, await db.RelationshipMembers.CountAsync(m => m.StaffId == supervisee && m.LeftOn == null));
        });
    }

    [Fact]
    public async Task Reallocation_ends_the_old_supervision_and_the_new_supervisor_inherits_the_open_actions_and_the_last_record()
    {
        await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var records = sp.GetRequiredService<SessionRecords>();
            var allocation = sp.GetRequiredService<Allocation>();
            var clock = Clock(sp);
            var today = sp.Today();
            var supervisee = await db.StaffIdAsync("imogen.sykes@ralph-thoresby.example");
            var old = await sp.StartAsync("one-to-one", await db.StaffIdAsync("supervisor@ralph-thoresby.example"), supervisee, today.AddMonths(-2));

            // A session with a record whose actions table has one action.
            var session = await sp.AttendedTodayAsync(old);
            var record = await records.StartRecordAsync(session, allocation.Type("one-to-one"), old.SupervisorId, CancellationToken.None);
            var answers = record.Answers;
            answers["actions"] = new JsonArray(new JsonObject { ["action"] = "Refer to early help", ["by-whom"] = "Imogen", ["by-when"] = today.AddDays(14).ToString("yyyy-MM-dd") });
            record.Submit(answers, clock.GetUtcNow());
            await records.SyncActionsAsync(record, FormCatalog.Definition(await db.FormVersions.SingleAsync(v => v.Id == record.FormVersionId)), CancellationToken.None);
            await db.SaveChangesAsync();

            var lead = await db.StaffIdAsync("lead@ralph-thoresby.example");
            var next = (await allocation.ReallocateAsync(old, lead, "  Imogen is working on the early help referral.  ", today, CancellationToken.None)).Relationship;
            await db.SaveChangesAsync();

            var ended = await db.Relationships.AsNoTracking().Include(r => r.Members).SingleAsync(r => r.Id == old.Id);
            Assert.Equal(today, ended.EndedOn);
            Assert.Equal("Reallocated to another supervisor", ended.EndReason);
            Assert.All(ended.Members, m => Assert.Equal(today, m.LeftOn));
            var started = await db.Relationships.AsNoTracking().Include(r => r.Members).SingleAsync(r => r.Id == next.Id);
            Assert.Equal(lead, started.SupervisorId);
            Assert.Equal(old.Id, started.PreviousId);
            Assert.Equal("Imogen is working on the early help referral.", started.HandoverNote);
            Assert.Equal(supervisee, Assert.Single(started.Members).StaffId);

            var lineage = await records.LineageAsync(next.Id, CancellationToken.None);
            Assert.Equal([next.Id, old.Id], lineage);
            var action = Assert.Single(await records.OpenActionsAsync(lineage, CancellationToken.None));
            Assert.Equal("Refer to early help", action.Text);
            Assert.Equal(old.Id, action.RelationshipId);

            // The new supervisor's first record finds the old supervisor's as the previous one.
            var first = await sp.AttendedTodayAsync(next);
            var newRecord = await records.StartRecordAsync(first, allocation.Type("one-to-one"), lead, CancellationToken.None);
            await db.SaveChangesAsync();
            Assert.Equal(record.Id, (await records.PreviousRecordAsync(lineage, newRecord, CancellationToken.None))?.Record.Id);
        });
    }

    [Fact]
    public async Task Changing_an_existing_persons_line_manager_is_kept_as_history()
    {
        await app.InTenant("ralph-thoresby", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var person = await db.Staff.SingleAsync(s => s.Email == "connor.whiteley@ralph-thoresby.example");
            var before = person.LineManagerId;
            Assert.NotNull(before);
            var after = await db.StaffIdAsync("linemanager@ralph-thoresby.example");
            var at = Clock(sp).GetUtcNow();
            person.Apply(new StaffDetails(person.FullName, person.Email!, person.JobTitle, person.Site, after, person.Roles, person.StartDate, person.LeftOn),
                sp.GetRequiredService<ILookupNormalizer>(), at);
            await db.SaveChangesAsync();

            var change = Assert.Single(await db.LineManagerChanges.AsNoTracking().Where(c => c.StaffMemberId == person.Id).ToListAsync());
            Assert.Equal(before, change.FromId);
            Assert.Equal(after, change.ToId);
            Assert.Equal(at, change.ChangedAt, TimeSpan.FromMilliseconds(1)); // SQLite keeps the time to the millisecond
        });
    }

    [Fact]
    public async Task Status_for_one_supervision_lists_only_its_members_though_they_have_other_supervision()
    {
        await app.InTenant("mse-icb", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var today = sp.Today();
            // The demo supervisee already has one-to-one supervision; they also join a group.
            var supervisee = await db.StaffIdAsync("supervisee@mse-icb.example");
            var other = await db.StaffIdAsync("mei-ling.foster@mse-icb.example");
            var group = (await sp.GetRequiredService<Allocation>().StartAsync("group", await db.StaffIdAsync("lead@mse-icb.example"), [supervisee, other], today, CancellationToken.None)).Relationship;
            await db.SaveChangesAsync();

            var statuses = await sp.GetRequiredService<ComplianceService>().StatusesAsync(m => m.RelationshipId == group.Id, CancellationToken.None);
            Assert.Equal(2, statuses.Count);
            Assert.All(statuses, s => Assert.Equal(group.Id, s.RelationshipId));
        });
    }
}
