namespace PrivateFl.ClientSdk;

/// <summary>Progress of <see cref="FederatedClient.TrainAsync"/>, reported after every round the client took part in or lost.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="RoundNumber">The round just finished.</param>
/// <param name="RoundsCompleted">How many rounds of the session have completed, this one included.</param>
/// <param name="TotalRounds">The session's total rounds.</param>
/// <param name="ModelVersion">The global model version after the round.</param>
/// <param name="Included">Whether this client's update is in the new model.</param>
/// <param name="EpsilonSpent">The session's ε after the round.</param>
/// <param name="Message">What happened, for a log or a progress bar.</param>
public sealed record TrainingProgress(string SessionId, long RoundNumber, int RoundsCompleted, int TotalRounds, long ModelVersion, bool Included, double EpsilonSpent, string Message);
