using System.Text.Json.Serialization;

namespace PrivateFl.RestHost;

/// <summary>The answer of <c>/fl_predict</c>.</summary>
internal sealed record PredictionResponse(
    [property: JsonPropertyName("probability")] double Probability,
    [property: JsonPropertyName("probability_of_default")] double ProbabilityOfDefault,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("reasons")] IReadOnlyList<ReasonView> Reasons,
    [property: JsonPropertyName("model_version")] long ModelVersion,
    [property: JsonPropertyName("epsilon")] double Epsilon,
    [property: JsonPropertyName("delta")] double Delta,
    [property: JsonPropertyName("assumptions")] IReadOnlyList<string> Assumptions);

/// <summary>A feature that lowered the score.</summary>
internal sealed record ReasonView(
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("points_lost")] double PointsLost);
