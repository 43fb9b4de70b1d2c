using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Workflows;

namespace SupervisionHub.Web.Tests.Workflows;

/// <summary>
/// What a dispatch round hears its tracker take (WorkflowHost.HeardEntries): the unit's runs and tasks, looked at before
/// and after each event, each entity once with the entry that tracks it now. The tasks are only tracked, never saved.
/// </summary>
public sealed class HeardEntriesTests(AppFactory app) : IClassFixture<AppFactory>
{
    /// <summary>A context of the demo tenant whose tracker's takings are heard, and a maker of unsaved tasks.</summary>
    private Task WithHeardAsync(Action<AppDbContext, WorkflowHost.HeardEntries, Func<WorkTask>> test) => app.InTenant("ascent", sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var heard = new WorkflowHost.HeardEntries();
        db.ChangeTracker.Tracked += (_, e) => heard.Add(e.Entry);
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        test(db, heard, () => new WorkTask("someone", "a task", null, false, null, null, null, now));
        return Task.CompletedTask;
    });

    [Fact]
    public Task Each_entity_is_listed_once_with_its_current_entry_in_the_order_first_taken_and_a_detached_one_is_dropped() =>
        WithHeardAsync((db, heard, newTask) =>
        {
            var (a, b, c) = (newTask(), newTask(), newTask());
            db.WorkTasks.AddRange(a, b, c);
            Assert.Equal([a, b, c], heard.Current().Select(e => e.Entity));

            // Taken back (a failed email's run), then tracked again before the next look, with another: once each,
            // the first where it first stood, with the entry that tracks it now.
            db.Entry(a).State = EntityState.Detached;
            db.Entry(b).State = EntityState.Detached;
            db.WorkTasks.Add(a);
            Assert.Equal([a, c], heard.Current().Select(e => e.Entity));
            Assert.All(heard.Current(), e => Assert.Equal(EntityState.Added, e.State));
            db.WorkTasks.Add(b);
            Assert.Equal([a, c, b], heard.Current().Select(e => e.Entity));
        });

    /// <summary>
    /// Why the host empties the list with every clear of its tracker (WorkflowHost.ClearTracker): EF Core's Clear() leaves
    /// the entries it held saying what they were, so a list kept across it would hand the next unit the last one's tasks
    /// as unsaved. If this starts failing, EF Core now detaches them, and the host's clearing is only belt and braces.
    /// </summary>
    [Fact]
    public Task A_cleared_tracker_leaves_its_old_entries_saying_added_so_the_list_is_emptied_with_it() =>
        WithHeardAsync((db, heard, newTask) =>
        {
            var task = newTask();
            db.WorkTasks.Add(task);
            var entry = Assert.Single(heard.Current());
            db.ChangeTracker.Clear();
            Assert.Equal(EntityState.Added, entry.State);
            Assert.Equal(EntityState.Detached, db.Entry(task).State);
            heard.Clear();
            Assert.Empty(heard.Current());
        });
}
