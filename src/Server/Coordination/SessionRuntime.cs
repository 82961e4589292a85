using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>The in-memory state of one session; every field is guarded by <see cref="Gate"/>.</summary>
internal sealed class SessionRuntime(SessionDefinition definition, SessionState state, ModelVersionRecord model, int completedRounds, long nextRoundNumber, double epsilonSpent, int chargedRounds = -1)
{
    public Lock Gate { get; } = new();

    public SessionDefinition Definition { get; } = definition;

    public SessionState State { get; set; } = state;

    public ModelVersionRecord Model { get; set; } = model;

    public int CompletedRounds { get; set; } = completedRounds;

    public long NextRoundNumber { get; set; } = nextRoundNumber;

    public double EpsilonSpent { get; set; } = epsilonSpent;

    /// <summary>Gets or sets how many rounds the session's budget has paid for: each released round, and each aborted one that had reserved its charge.</summary>
    public int ChargedRounds { get; set; } = chargedRounds < 0 ? completedRounds : chargedRounds;

    /// <summary>The most rounds the session's budget pays for (<see cref="PrivacyPlan.MaximumCharges"/>), computed once.</summary>
    public int MaximumCharges => _maximumCharges ??= PrivacyPlan.MaximumCharges(Definition);

    private int? _maximumCharges;

    /// <summary>The round in progress: its master and cohorts.</summary>
    public RoundMaster? Round { get; set; }

    /// <summary>
    /// Gets or sets whether a round is being formed: its banks are chosen and their keys (or the budget-exhausted
    /// state) are being read or written off the gate, so no second round may open until it is settled.
    /// </summary>
    public bool Opening { get; set; }
}
