namespace PrivateFl.Simulation;

/// <summary>One line of the demo's table.</summary>
internal sealed record RoundRow(long Round, Protocol.V1.RoundOutcome Outcome, int Participants, int Dropped, int Included, double Auc, double LogLoss, double Epsilon, double Milliseconds);
