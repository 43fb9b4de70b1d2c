using System.Text.Json.Nodes;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Workflows;

/// <summary>
/// Compiles the JavaScript and Liquid engines once, off the start-up path: the first evaluation in a
/// process spends a second or more being compiled, which would count against the first rule's time
/// limits (200 ms a condition, a run's budget) and fail it for no fault of its own.
/// </summary>
public sealed class SandboxWarmUp(ILogger<SandboxWarmUp> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() =>
        {
            var scope = new JsonObject { ["history"] = new JsonObject { ["consecutiveMisses"] = 1 } };
            var js = new JsSandbox().EvaluateBool("[history.consecutiveMisses].join() + 'a'.repeat(2) === '1aa' && /a+/.test('a')", scope);
            var liquid = LiquidText.Render("{% for i in (1..2) %}{{ i | append: 'x' }}{% endfor %}", new JsonObject());
            if (js.Failed || liquid.Error is not null) log.LogWarning("Warming up the sandbox failed: {Js} {Liquid}", js.Failure?.Message, liquid.Error);
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
