using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary><see cref="SessionRegistry"/>: creates and loads sessions, and keeps the stored and in-memory session together.</summary>
public sealed class SessionRegistryTests
{
    [Fact]
    public void Create_DuplicateId_ReturnsNullAndKeepsTheFirst()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionDefinition other = fixture.Definition with { SchemaName = "another-schema", TotalRounds = 9 };

        SessionRuntime? duplicate = fixture.Registry.Create(other, new double[other.ModelLength]);

        Assert.Null(duplicate);
        Assert.Equal("test-schema", fixture.Registry.Get(CoordinatorFixture.SessionId).Definition.SchemaName);
        Assert.Equal("test-schema", fixture.Store.FindSession(CoordinatorFixture.SessionId)!.Definition.SchemaName);
    }

    [Fact]
    public void Create_NewId_IsActiveAtModelVersionZeroWithTheInitialWeights()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionDefinition definition = fixture.Definition with { SessionId = "second" };
        double[] weights = [.. Enumerable.Range(0, definition.ModelLength).Select(i => i * 0.5)];

        SessionRuntime session = Assert.IsType<SessionRuntime>(fixture.Registry.Create(definition, weights));

        Assert.Equal(StoredSession.Active, session.State);
        Assert.Equal(0, session.Model.Version);
        Assert.Equal(weights, session.Model.Weights);
        Assert.Equal(0, session.CompletedRounds);
        Assert.Equal(1, session.NextRoundNumber);
        Assert.Equal(weights, fixture.Store.LatestModel("second").Weights);
        Assert.Equal(["second", CoordinatorFixture.SessionId], fixture.Registry.List().Select(s => s.Definition.SessionId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Get_Unknown_NotFoundAndNothingCached()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        var ex = Assert.Throws<CoordinatorException>(() => fixture.Registry.Get("nope"));

        Assert.Equal((CoordinatorErrorKind.NotFound, ErrorReasons.SessionNotFound), (ex.Kind, ex.Reason));
        Assert.DoesNotContain(fixture.Registry.Loaded, s => s.Definition.SessionId == "nope");
    }

    [Fact]
    public void Get_Twice_ReturnsTheSameRuntime()
    {
        using var fixture = new CoordinatorFixture(clients: 3);

        Assert.Same(fixture.Registry.Get(CoordinatorFixture.SessionId), fixture.Registry.Get(CoordinatorFixture.SessionId));
    }

    [Fact]
    public void SetState_BudgetExhausted_StoredAndInMemory()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionRuntime session = fixture.Registry.Get(CoordinatorFixture.SessionId);

        fixture.Registry.SetState(session, StoredSession.BudgetExhausted);

        Assert.Equal(StoredSession.BudgetExhausted, session.State);
        Assert.Equal(StoredSession.BudgetExhausted, fixture.Store.FindSession(CoordinatorFixture.SessionId)!.State);
    }

    [Fact]
    public void CommitRound_LastReleasedRound_CompletesTheSessionStoredAndInMemory()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionRuntime session = fixture.Registry.Get(CoordinatorFixture.SessionId);
        var model = new ModelVersionRecord(CoordinatorFixture.SessionId, 1, 1, new double[8], 3, 0.75, 1e-5, "{}", 10);
        RoundRecordData record = Record(RoundRecordData.Completed, modelVersion: 1);

        fixture.Registry.CommitRound(session, record, model, new LedgerEntryData(CoordinatorFixture.SessionId, 1, 0.75, 1e-5, "{}", 10), completesSession: true);

        Assert.Same(model, session.Model);
        Assert.Equal(1, session.CompletedRounds);
        Assert.Equal(0.75, session.EpsilonSpent);
        Assert.Equal(StoredSession.Completed, session.State);
        Assert.Equal(StoredSession.Completed, fixture.Store.FindSession(CoordinatorFixture.SessionId)!.State);
        Assert.Equal(1, fixture.Store.LatestModel(CoordinatorFixture.SessionId).Version);
        Assert.Equal(0.75, Assert.Single(fixture.Store.ListLedger(CoordinatorFixture.SessionId)).EpsilonSpentTotal);
    }

    [Fact]
    public void CommitRound_Aborted_RecordsTheRoundAndLeavesTheSessionAsItWas()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionRuntime session = fixture.Registry.Get(CoordinatorFixture.SessionId);
        ModelVersionRecord before = session.Model;

        fixture.Registry.CommitRound(session, Record(RoundRecordData.Aborted, modelVersion: null), null, null, completesSession: false);

        Assert.Same(before, session.Model);
        Assert.Equal(0, session.CompletedRounds);
        Assert.Equal(StoredSession.Active, session.State);
        Assert.Equal(RoundRecordData.Aborted, Assert.Single(fixture.Store.ListRounds(CoordinatorFixture.SessionId)).Outcome);
        Assert.Empty(fixture.Store.ListLedger(CoordinatorFixture.SessionId));
    }

    [Fact]
    public void IdentityKey_EnrolledRevokedAndUnknown_OnlyTheEnrolledHasOne()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        fixture.Store.RevokeClient("bank-02");

        Assert.Equal(fixture.Store.FindClient("bank-01")!.IdentityPublicKey, fixture.Registry.IdentityKey("bank-01"));
        Assert.Null(fixture.Registry.IdentityKey("bank-02"));
        Assert.Null(fixture.Registry.IdentityKey("bank-99"));
    }

    private static RoundRecordData Record(string outcome, long? modelVersion) =>
        new(CoordinatorFixture.SessionId, 1, outcome, outcome == RoundRecordData.Aborted ? "test" : null, ["bank-01", "bank-02", "bank-03"], modelVersion is null ? [] : ["bank-01", "bank-02", "bank-03"], [], [], modelVersion, 0, 10, 2, 2);
}
