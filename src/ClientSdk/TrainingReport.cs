namespace PrivateFl.ClientSdk;

/// <summary>What <see cref="FederatedClient.TrainAsync"/> achieved.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="RoundsParticipated">Rounds whose model includes this client's update.</param>
/// <param name="RoundsLost">Rounds this client joined that aborted or dropped it.</param>
/// <param name="ModelVersion">The latest global model version.</param>
/// <param name="LocalRocAuc">ROC AUC of that model on this client's own data (never sent anywhere).</param>
/// <param name="LocalLogLoss">Log loss of that model on this client's own data.</param>
/// <param name="EpsilonSpent">The session's ε after the last round.</param>
/// <param name="Delta">The session's δ.</param>
/// <param name="LocalEpsilonSpent">ε this bank has spent in the session by its own ledger (0 without DP).</param>
/// <param name="StopReason">Why training stopped, to decide on: the session ended, the round limit, this bank's own privacy budget or terms, or a refused round.</param>
/// <param name="StopMessage">Why training stopped, in words for people (a log, a job status); never parse it, read <paramref name="StopReason"/>. When no round was trained it begins "No round was trained".</param>
public sealed record TrainingReport(string SessionId, int RoundsParticipated, int RoundsLost, long ModelVersion, double LocalRocAuc, double LocalLogLoss, double EpsilonSpent, double Delta, double LocalEpsilonSpent, TrainingStopReason StopReason, string StopMessage)
{
    /// <summary>Gets a value indicating whether this bank's data went into no model: <see cref="RoundsParticipated"/> is 0.</summary>
    /// <remarks>
    /// Training that ends without error can still have trained nothing (the session had already ended or spent its
    /// budget, every round it joined dropped it, or this bank's own budget or terms refused the first round);
    /// <see cref="StopReason"/> says why. A caller must not report such a run as a success: <see cref="ModelVersion"/>
    /// and the metrics then describe a model this bank did not help train.
    /// </remarks>
    public bool TrainedNoRounds => RoundsParticipated == 0;
}
