using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Server.Coordination;

/// <summary>Everything a training session fixes when it is created; immutable and public to its clients.</summary>
/// <remarks><see cref="SchemaJson"/> is the schema's canonical JSON (specs/schema.md), or null for a session created from a hash alone.</remarks>
internal sealed record SessionDefinition(
    string SessionId,
    string SchemaName,
    string SchemaHash,
    string ModelKind,
    int ModelLength,
    int TotalRounds,
    int MinimumClients,
    int MaximumClients,
    SecAggSettingsData SecAgg,
    TrainingPlanData Training,
    PrivacySettingsData Privacy,
    long CreatedUnixMs,
    ModelSpecData? Model = null,
    string? SchemaJson = null,
    CohortSettingsData? Cohorts = null)
{
    /// <summary>The most banks in one cohort (the session's most clients when it sets none: one cohort per round).</summary>
    public int CohortSize => Cohorts is { CohortSize: > 0 } c ? Math.Min(c.CohortSize, MaximumClients) : MaximumClients;

    /// <summary>The fewest banks one cohort may have; every bank refuses a smaller one (the session's fewest clients when it sets none).</summary>
    public int MinimumCohortSize => Cohorts is { MinimumCohortSize: > 0 } c ? c.MinimumCohortSize : MinimumClients;

    /// <summary>The fewest cohorts whose sums a round may release.</summary>
    public int MinimumCohorts => Cohorts is { MinimumCohorts: > 0 } c ? c.MinimumCohorts : 1;

    /// <summary>The fewest waiting banks a round opens with: enough for its minimum cohorts at their minimum size.</summary>
    public int MinimumRoundClients => MinimumClientsFor(MinimumCohorts);

    /// <summary>The fewest waiting banks that make <paramref name="cohorts"/> cohorts of the minimum size (and the session's fewest clients).</summary>
    public int MinimumClientsFor(int cohorts) => Math.Max(MinimumClients, cohorts * MinimumCohortSize);
}

/// <summary>How a session splits each round's banks into cohorts (0 = the default of each field; see <see cref="SessionDefinition"/>).</summary>
internal sealed record CohortSettingsData(int CohortSize, int MinimumCohortSize, int MinimumCohorts);

/// <summary>What the session's rounds must withstand.</summary>
internal sealed record SecAggSettingsData(SecAggMode Mode, NeighbourGraphKind Graph, double DropoutRate, double CorruptedFraction, int SecurityBits, int CorrectnessBits);

/// <summary>The public training recipe of every round.</summary>
internal sealed record TrainingPlanData(
    AggregationRuleKind Rule,
    int LocalEpochs,
    double LearningRate,
    double L2Regularisation,
    int BatchSize,
    double ClipNorm,
    double QuantizationScale,
    double ServerLearningRate,
    double SamplingRate);

/// <summary>The session's differential-privacy configuration.</summary>
internal sealed record PrivacySettingsData(DpModeKind Mode, double EpsilonBudget, double Delta, double NoiseMultiplier);

/// <summary>How the decoded sum becomes the next model.</summary>
internal enum AggregationRuleKind
{
    FederatedAveraging = 1,
    GradientSum = 2,
}

/// <summary>The differential-privacy mode of a session.</summary>
internal enum DpModeKind
{
    None = 1,
    RecordLevel = 2,
    ClientLevel = 3,
}
