using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Storage;

/// <summary>Issue 12: a round's commit runs off the session lock, and its banks learn the outcome only once it is durable.</summary>
public sealed class CommitOffTheLockTests
{
    [Fact]
    public async Task CommitRoundAsync_Blocked_SessionLockFreeOutcomeWithheldUntilDurable()
    {
        BlockingCommitStore? blocking = null;
        using var fixture = new CoordinatorFixture(clients: 3, wrapStore: inner => blocking = new BlockingCommitStore(inner));
        string[] ids = [.. fixture.ClientIds];

        Task<RoundOutcome?>[] clients = [.. ids.Select(id => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.25)))];
        Task all = Task.WhenAll(clients);
        await fixture.AdvanceUntilAsync(Task.WhenAny(all, blocking!.Entered), TimeSpan.FromSeconds(1));
        await blocking.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        // The commit is in progress: the session's lock is free, no bank has its outcome, and nothing is stored yet.
        SessionRuntime session = await fixture.Coordinator.SessionAsync(CoordinatorFixture.SessionId, CancellationToken.None);
        bool lockFree = session.Gate.TryEnter();
        if (lockFree)
        {
            session.Gate.Exit();
        }

        Assert.True(lockFree);
        Assert.All(clients, c => Assert.False(c.IsCompleted));
        Assert.Empty(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        Assert.Equal(0, session.Model.Version);

        blocking.Release();
        RoundOutcome?[] outcomes = await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(outcomes, o => Assert.Equal(1, o!.ModelVersion));
        Assert.Equal(1, (await fixture.Store.FindLatestModelAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.Version);
        Assert.Equal(1, session.Model.Version);
    }

    /// <summary>Holds every completed round's commit until released; everything else goes straight to the inner store.</summary>
    private sealed class BlockingCommitStore(IFederationStore inner) : IFederationStore
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Release() => _release.TrySetResult();

        public async Task CommitRoundAsync(RoundRecordData round, ModelVersionRecord? newModel, LedgerEntryData? ledgerEntry, SessionState? newSessionState, CancellationToken cancellationToken)
        {
            if (round.Outcome == RoundOutcomeKind.Completed)
            {
                _entered.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
            }

            await inner.CommitRoundAsync(round, newModel, ledgerEntry, newSessionState, cancellationToken);
        }

        public Task MigrateAsync(CancellationToken cancellationToken) => inner.MigrateAsync(cancellationToken);

        public Task<EnrolledClient?> FindClientAsync(string clientId, CancellationToken cancellationToken) => inner.FindClientAsync(clientId, cancellationToken);

        public Task<IReadOnlyList<EnrolledClient>> ListClientsAsync(CancellationToken cancellationToken) => inner.ListClientsAsync(cancellationToken);

        public Task<bool> EnrollClientAsync(EnrolledClient client, CancellationToken cancellationToken) => inner.EnrollClientAsync(client, cancellationToken);

        public Task<EnrolledClient?> RevokeClientAsync(string clientId, CancellationToken cancellationToken) => inner.RevokeClientAsync(clientId, cancellationToken);

        public Task<EnrolledClient?> RecordMisbehaviourAsync(string clientId, int suspendAt, CancellationToken cancellationToken) => inner.RecordMisbehaviourAsync(clientId, suspendAt, cancellationToken);

        public Task<bool> CreateSessionAsync(StoredSession session, ModelVersionRecord initialModel, CancellationToken cancellationToken) => inner.CreateSessionAsync(session, initialModel, cancellationToken);

        public Task<StoredSession?> FindSessionAsync(string sessionId, CancellationToken cancellationToken) => inner.FindSessionAsync(sessionId, cancellationToken);

        public Task<IReadOnlyList<StoredSession>> ListSessionsAsync(CancellationToken cancellationToken) => inner.ListSessionsAsync(cancellationToken);

        public Task<bool> SetSessionStateAsync(string sessionId, SessionState state, CancellationToken cancellationToken) => inner.SetSessionStateAsync(sessionId, state, cancellationToken);

        public Task<ModelVersionRecord?> FindModelAsync(string sessionId, long version, CancellationToken cancellationToken) => inner.FindModelAsync(sessionId, version, cancellationToken);

        public Task<ModelVersionRecord?> FindLatestModelAsync(string sessionId, CancellationToken cancellationToken) => inner.FindLatestModelAsync(sessionId, cancellationToken);

        public Task<IReadOnlyList<RoundRecordData>> ListRoundsAsync(string sessionId, CancellationToken cancellationToken) => inner.ListRoundsAsync(sessionId, cancellationToken);

        public Task<IReadOnlyList<LedgerEntryData>> ListLedgerAsync(string sessionId, CancellationToken cancellationToken) => inner.ListLedgerAsync(sessionId, cancellationToken);

        public Task<bool> TryRecordNonceAsync(string clientId, ReadOnlyMemory<byte> nonce, long expiresUnixMs, CancellationToken cancellationToken) => inner.TryRecordNonceAsync(clientId, nonce, expiresUnixMs, cancellationToken);

        public Task<int> PruneNoncesAsync(long nowUnixMs, CancellationToken cancellationToken) => inner.PruneNoncesAsync(nowUnixMs, cancellationToken);

        public Task<BudgetReservation?> ReserveBudgetAsync(string sessionId, long roundNumber, int maximumCharges, long nowUnixMs, CancellationToken cancellationToken) => inner.ReserveBudgetAsync(sessionId, roundNumber, maximumCharges, nowUnixMs, cancellationToken);

        public Task<IReadOnlyList<BudgetReservation>> ListBudgetReservationsAsync(string sessionId, CancellationToken cancellationToken) => inner.ListBudgetReservationsAsync(sessionId, cancellationToken);

        public Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken) => inner.AppendAuditAsync(entry, cancellationToken);

        public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? sinceUnixMs, int limit, CancellationToken cancellationToken) => inner.ListAuditAsync(sinceUnixMs, limit, cancellationToken);
    }
}
