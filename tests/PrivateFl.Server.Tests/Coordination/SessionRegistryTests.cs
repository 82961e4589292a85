using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary><see cref="SessionRegistry"/>: creates and loads sessions, and keeps the stored and in-memory session together.</summary>
public sealed class SessionRegistryTests
{
    [Fact]
    public async Task Create_DuplicateId_ReturnsNullAndKeepsTheFirst()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionDefinition other = fixture.Definition with { SchemaName = "another-schema", TotalRounds = 9 };

        SessionRuntime? duplicate = (await fixture.Registry.CreateAsync(other, new double[other.ModelLength], CancellationToken.None));

        Assert.Null(duplicate);
        Assert.Equal("test-schema", (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None)).Definition.SchemaName);
        Assert.Equal("test-schema", (await fixture.Store.FindSessionAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.Definition.SchemaName);
    }

    [Fact]
    public async Task Create_NewId_IsActiveAtModelVersionZeroWithTheInitialWeights()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionDefinition definition = fixture.Definition with { SessionId = "second" };
        double[] weights = [.. Enumerable.Range(0, definition.ModelLength).Select(i => i * 0.5)];

        SessionRuntime session = Assert.IsType<SessionRuntime>((await fixture.Registry.CreateAsync(definition, weights, CancellationToken.None)));

        Assert.Equal(SessionState.Active, session.State);
        Assert.Equal(0, session.Model.Version);
        Assert.Equal(weights, session.Model.Weights.ToArray());
        Assert.Equal(0, session.CompletedRounds);
        Assert.Equal(1, session.NextRoundNumber);
        Assert.Equal(weights, (await fixture.Store.FindLatestModelAsync("second", CancellationToken.None))!.Weights.ToArray());
        Assert.Equal(["second", CoordinatorFixture.SessionId], (await fixture.Registry.ListAsync(CancellationToken.None)).Select(s => s.Definition.SessionId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Get_Unknown_NotFoundAndNothingCached()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        var ex = await Assert.ThrowsAsync<CoordinatorException>(() => fixture.Registry.GetAsync("nope", CancellationToken.None));

        Assert.Equal((CoordinatorErrorKind.NotFound, ErrorReasons.SessionNotFound), (ex.Kind, ex.Reason));
        Assert.DoesNotContain(fixture.Registry.Loaded, s => s.Definition.SessionId == "nope");
    }

    [Fact]
    public async Task Get_Twice_ReturnsTheSameRuntime()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        Assert.Same((await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None)), (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None)));
    }

    [Fact]
    public async Task SetState_BudgetExhausted_StoredAndInMemory()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionRuntime session = (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None));

        await fixture.Registry.SetStateAsync(session, SessionState.BudgetExhausted, CancellationToken.None);

        Assert.Equal(SessionState.BudgetExhausted, session.State);
        Assert.Equal(SessionState.BudgetExhausted, (await fixture.Store.FindSessionAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task CommitRound_LastReleasedRound_CompletesTheSessionStoredAndInMemory()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionRuntime session = (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        var model = new ModelVersionRecord(CoordinatorFixture.SessionId, 1, 1, [.. new double[8]], 3, 0.75, 1e-5, "{}", 10);
        RoundRecordData record = Record(RoundOutcomeKind.Completed, modelVersion: 1);

        await fixture.Registry.CommitRoundAsync(record, model, new LedgerEntryData(CoordinatorFixture.SessionId, 1, 0.75, 1e-5, "{}", 10), completesSession: true);
        SessionRegistry.Apply(session, model, completesSession: true);

        Assert.Same(model, session.Model);
        Assert.Equal(1, session.CompletedRounds);
        Assert.Equal(0.75, session.EpsilonSpent);
        Assert.Equal(SessionState.Completed, session.State);
        Assert.Equal(SessionState.Completed, (await fixture.Store.FindSessionAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.State);
        Assert.Equal(1, (await fixture.Store.FindLatestModelAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.Version);
        Assert.Equal(0.75, Assert.Single((await fixture.Store.ListLedgerAsync(CoordinatorFixture.SessionId, CancellationToken.None))).EpsilonSpentTotal);
    }

    [Fact]
    public async Task CommitRound_Aborted_RecordsTheRoundAndLeavesTheSessionAsItWas()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionRuntime session = (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        ModelVersionRecord before = session.Model;

        await fixture.Registry.CommitRoundAsync(Record(RoundOutcomeKind.Aborted, modelVersion: null), null, null, completesSession: false);

        Assert.Same(before, session.Model);
        Assert.Equal(0, session.CompletedRounds);
        Assert.Equal(SessionState.Active, session.State);
        Assert.Equal(RoundOutcomeKind.Aborted, Assert.Single((await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None))).Outcome);
        Assert.Empty((await fixture.Store.ListLedgerAsync(CoordinatorFixture.SessionId, CancellationToken.None)));
    }

    [Fact]
    public async Task IdentityKeys_EnrolledRevokedAndUnknown_OnlyTheEnrolledHasOne()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        await fixture.Store.RevokeClientAsync("bank-02", CancellationToken.None);

        ReadOnlyMemory<byte>?[] keys = await fixture.Registry.IdentityKeysAsync(["bank-01", "bank-02", "bank-99"], CancellationToken.None);

        Assert.Equal((await fixture.Store.FindClientAsync("bank-01", CancellationToken.None))!.IdentityPublicKey.ToArray(), keys[0]!.Value.ToArray());
        Assert.Null(keys[1]);
        Assert.Null(keys[2]);
    }

    private static RoundRecordData Record(RoundOutcomeKind outcome, long? modelVersion) =>
        new(CoordinatorFixture.SessionId, 1, outcome, outcome == RoundOutcomeKind.Aborted ? "test" : null, ["bank-01", "bank-02", "bank-03"], modelVersion is null ? [] : ["bank-01", "bank-02", "bank-03"], [], [], modelVersion, 0, 10, 2, 2);
}
