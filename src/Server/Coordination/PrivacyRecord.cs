using System.Text.Json;
using System.Text.Json.Serialization;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// What a released model's privacy rests on (specs/privacy.md): ε after this release, the mechanism's public parameters
/// and the round's t, m and σ_client. Stored as JSON beside the model version and in the ledger, and read by the SDK's
/// model card; the field names and their order are that contract.
/// </summary>
internal sealed record PrivacyRecord(
    [property: JsonPropertyName("mode"), JsonConverter(typeof(JsonStringEnumConverter<DpModeKind>))] DpModeKind Mode,
    [property: JsonPropertyName("epsilon")] double Epsilon,
    [property: JsonPropertyName("delta")] double Delta,
    [property: JsonPropertyName("epsilonBudget")] double EpsilonBudget,
    [property: JsonPropertyName("noiseMultiplier")] double NoiseMultiplier,
    [property: JsonPropertyName("samplingRate")] double SamplingRate,
    [property: JsonPropertyName("releasedRounds")] int ReleasedRounds,
    [property: JsonPropertyName("clipNorm")] double ClipNorm,
    [property: JsonPropertyName("quantizationScale")] double QuantizationScale,
    [property: JsonPropertyName("sensitivity")] double Sensitivity,
    [property: JsonPropertyName("threshold")] int Threshold,
    [property: JsonPropertyName("minimumSurvivors")] int MinimumSurvivors,
    [property: JsonPropertyName("clientNoiseSigma")] double ClientNoiseSigma,
    [property: JsonPropertyName("discretenessTau")] double DiscretenessTau,
    [property: JsonPropertyName("accountant")] string Accountant)
{
    /// <summary>
    /// The record of a session's <paramref name="releasedRounds"/>-th release, from a cohort of <paramref name="participants"/>
    /// clients and threshold <paramref name="threshold"/>, whose round was the budget's <paramref name="charge"/>-th charge
    /// (aborted rounds that had reserved are charged too; by default the charges are the releases).
    /// </summary>
    public static PrivacyRecord For(SessionDefinition definition, int participants, int threshold, int releasedRounds, int charge = 0) =>
        new(
            definition.Privacy.Mode,
            PrivacyPlan.EpsilonAfter(definition, Math.Max(releasedRounds, charge)),
            definition.Privacy.Delta,
            definition.Privacy.EpsilonBudget,
            definition.Privacy.NoiseMultiplier,
            PrivacyPlan.SamplingRate(definition),
            releasedRounds,
            definition.Training.ClipNorm,
            definition.Training.QuantizationScale,
            PrivacyPlan.Sensitivity(definition),
            threshold,
            PrivacyPlan.MinimumSurvivors(definition, participants, threshold),
            PrivacyPlan.ClientSigma(definition, participants, threshold),
            PrivacyPlan.Discreteness(definition).Tau,
            DdgAccountant.Name);

    /// <summary>The stored form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);
}
