using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>The in-memory state of one session; every field is guarded by <see cref="Gate"/>.</summary>
internal sealed class SessionRuntime(SessionDefinition definition, SessionState state, ModelVersionRecord model, int completedRounds, long nextRoundNumber, double epsilonSpent)
{
    public Lock Gate { get; } = new();

    public SessionDefinition Definition { get; } = definition;

    public SessionState State { get; set; } = state;

    public ModelVersionRecord Model { get; set; } = model;

    public int CompletedRounds { get; set; } = completedRounds;

    public long NextRoundNumber { get; set; } = nextRoundNumber;

    public double EpsilonSpent { get; set; } = epsilonSpent;

    public RoundDriver? Round { get; set; }

    /// <summary>
    /// Gets or sets whether a round is being formed: its banks are chosen and their keys (or the budget-exhausted
    /// state) are being read or written off the gate, so no second round may open until it is settled.
    /// </summary>
    public bool Opening { get; set; }
}
