using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PrivateFl.RestHost;

/// <summary>The answer of <c>/fl_predict</c>.</summary>
internal sealed record PredictionResponse(
    [property: JsonPropertyName("probability"), Description("The probability of good credit (what the original scorecard service returned).")] double Probability,
    [property: JsonPropertyName("probability_of_default"), Description("1 − probability.")] double ProbabilityOfDefault,
    [property: JsonPropertyName("label"), Description("The schema's positive label (German `bad`) when the probability of default is at least CreditPredictorOptions:Threshold, else its negative label.")] string Label,
    [property: JsonPropertyName("score"), Description("Scorecard points: offset + factor·ln(odds good:bad); 600 points at 50:1 and 20 points to double the odds by default.")] double Score,
    [property: JsonPropertyName("reasons"), Description("Up to CreditPredictorOptions:ReasonCount attributes that lost the most points, largest first.")] IReadOnlyList<ReasonView> Reasons,
    [property: JsonPropertyName("model_version"), Description("The global model version used (= rounds completed).")] long ModelVersion,
    [property: JsonPropertyName("epsilon"), Description("The ε the model was released under.")] double Epsilon,
    [property: JsonPropertyName("delta"), Description("The δ the model was released under.")] double Delta,
    [property: JsonPropertyName("assumptions"), Description("The defaults applied to absent optional fields.")] IReadOnlyList<string> Assumptions);

/// <summary>A feature that lowered the score.</summary>
internal sealed record ReasonView(
    [property: JsonPropertyName("feature"), Description("The column.")] string Feature,
    [property: JsonPropertyName("value"), Description("The applicant's value of it.")] string Value,
    [property: JsonPropertyName("points_lost"), Description("Points lost against the attribute's best attainable points (specs/rest-api.md, \"Reason codes\").")] double PointsLost);
