namespace PrivateFl.ClientSdk;

/// <summary>The public configuration and state of a training session.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="SchemaName">The feature schema's name.</param>
/// <param name="SchemaHash">The feature schema's hash; the local data must have the same.</param>
/// <param name="ModelLength">The model's parameter count.</param>
/// <param name="TotalRounds">Rounds planned.</param>
/// <param name="CompletedRounds">Rounds completed.</param>
/// <param name="CurrentModelVersion">The current global model version.</param>
/// <param name="IsActive">Whether the session still takes training.</param>
/// <param name="EpsilonSpent">ε spent so far.</param>
/// <param name="EpsilonBudget">The session's ε budget (0 without differential privacy).</param>
/// <param name="Delta">The session's δ.</param>
/// <param name="Model">The model the session trains; <see langword="null"/> means logistic regression.</param>
/// <param name="Schema">
/// The feature schema the session carries, already checked to hash to <paramref name="SchemaHash"/>; <see langword="null"/>
/// for a session created from a hash alone. Load the bank's data with it (<see cref="DatasetLoader"/>).
/// </param>
public sealed record TrainingSessionInfo(string SessionId, string SchemaName, string SchemaHash, int ModelLength, int TotalRounds, int CompletedRounds, long CurrentModelVersion, bool IsActive, double EpsilonSpent, double EpsilonBudget, double Delta, ModelSpecification? Model = null, FeatureSchema? Schema = null)
{
    /// <summary>Gets where the session stands; <see cref="IsActive"/> is <see langword="true"/> exactly when it is <see cref="TrainingSessionState.Active"/>. Default: <see cref="TrainingSessionState.Unknown"/>.</summary>
    public TrainingSessionState State { get; init; }

    /// <summary>
    /// Gets the fewest banks one cohort of the session's rounds may have, as the session states it; this client pins it
    /// when it joins and refuses a round whose cohort is smaller or that announces another minimum. Default: 0 (none stated).
    /// </summary>
    public int MinimumCohortSize { get; init; }
}
