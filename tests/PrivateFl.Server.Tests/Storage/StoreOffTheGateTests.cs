using System.Reflection;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;
using PrivateFl.Server.Tests.Coordination;

namespace PrivateFl.Server.Tests.Storage;

/// <summary>
/// Issue 12: no store call runs on a thread that holds a session's gate: not the enrolled keys read when a round
/// forms, not the budget-exhausted state, not the commit. A grain host cannot block a thread on I/O under its lock.
/// </summary>
public sealed class StoreOffTheGateTests
{
    [Fact]
    public async Task Round_OpenedAndReleased_NoStoreCallUnderAGate()
    {
        GateWatchingStore? watcher = null;
        using var fixture = new CoordinatorFixture(clients: 3, wrapStore: inner => (IFederationStore)(watcher = GateWatchingStore.Wrap(inner)));
        watcher!.Sessions = () => fixture.Registry.Loaded;

        Task<RoundOutcome?>[] clients = [.. fixture.ClientIds.Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.25)))];
        Task all = Task.WhenAll(clients);
        await fixture.AdvanceUntilAsync(all, TimeSpan.FromSeconds(1));
        RoundOutcome?[] outcomes = await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(outcomes, o => Assert.Equal(1, o!.ModelVersion));
        Assert.Equal(3, watcher.Calls.Count(c => c.Method == nameof(IFederationStore.FindClientAsync)));
        Assert.Contains(watcher.Calls, c => c.Method == nameof(IFederationStore.CommitRoundAsync));
        Assert.Empty(watcher.Calls.Where(c => c.UnderGate).Select(c => c.Method));
    }

    [Fact]
    public async Task Round_WouldOverspendTheBudget_StateStoredOffTheGateBeforeTheBanksAreRefused()
    {
        GateWatchingStore? watcher = null;
        using var fixture = new CoordinatorFixture(clients: 3, wrapStore: inner => (IFederationStore)(watcher = GateWatchingStore.Wrap(inner)));
        watcher!.Sessions = () => fixture.Registry.Loaded;
        SessionDefinition dp = TestSessions.Definition(maximumClients: 3, dp: DpModeKind.RecordLevel);
        SessionDefinition definition = dp with { SessionId = "tight", Privacy = dp.Privacy with { EpsilonBudget = PrivacyPlan.EpsilonAfter(dp, 1) / 2 } };
        Assert.NotNull(await fixture.Registry.CreateAsync(definition, new double[definition.ModelLength], CancellationToken.None));
        watcher.OnSetState = () => watcher.RefusedBeforeStored = watcher.Refused;

        Task<RoundTicket>[] waits = [.. fixture.ClientIds.Select(id => fixture.Coordinator.WaitForRoundAsync("tight", id, definition.SchemaHash, CancellationToken.None))];
        foreach (Task<RoundTicket> wait in waits)
        {
            _ = wait.ContinueWith(_ => watcher.Refused = true, TaskScheduler.Default);
        }

        fixture.Time.Advance(fixture.Options.GatherWindow);
        foreach (Task<RoundTicket> wait in waits)
        {
            Assert.Equal(ErrorReasons.BudgetExhausted, (await Assert.ThrowsAsync<CoordinatorException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)))).Reason);
        }

        Assert.False(watcher.RefusedBeforeStored);
        Assert.Contains(watcher.Calls, c => c.Method == nameof(IFederationStore.SetSessionStateAsync));
        Assert.Empty(watcher.Calls.Where(c => c.UnderGate).Select(c => c.Method));
        Assert.Equal(SessionState.BudgetExhausted, (await fixture.Store.FindSessionAsync("tight", CancellationToken.None))!.State);
    }

    /// <summary>Forwards every call to the inner store, noting whether the calling thread holds a loaded session's gate.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from it at run time.")]
    internal class GateWatchingStore : DispatchProxy
    {
        private readonly Lock _calls = new();
        private readonly List<(string Method, bool UnderGate)> _log = [];
        private IFederationStore _inner = null!;

        public Func<IEnumerable<SessionRuntime>> Sessions { get; set; } = () => [];

        public Action? OnSetState { get; set; }

        public volatile bool Refused;

        public volatile bool RefusedBeforeStored;

        public IReadOnlyList<(string Method, bool UnderGate)> Calls
        {
            get
            {
                lock (_calls)
                {
                    return [.. _log];
                }
            }
        }

        public static GateWatchingStore Wrap(IFederationStore inner)
        {
            IFederationStore proxy = Create<IFederationStore, GateWatchingStore>();
            var watcher = (GateWatchingStore)proxy;
            watcher._inner = inner;
            return watcher;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            bool underGate = Sessions().Any(s => s.Gate.IsHeldByCurrentThread);
            lock (_calls)
            {
                _log.Add((targetMethod.Name, underGate));
            }

            if (targetMethod.Name == nameof(IFederationStore.SetSessionStateAsync))
            {
                OnSetState?.Invoke();
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
