namespace PrivateFl.ClientSdk;

/// <summary>The model's assessment of one applicant.</summary>
/// <param name="ProbabilityOfDefault">The predicted probability of the positive class (a default), in [0, 1].</param>
/// <param name="ProbabilityGood">1 − <paramref name="ProbabilityOfDefault"/>, computed without cancellation.</param>
/// <param name="Label">The decision: the schema's positive label (<c>bad</c>) when the probability of default is at least the threshold, else its negative label (<c>good</c>).</param>
/// <param name="IsDefault">Whether <paramref name="Label"/> is the positive (default) label.</param>
/// <param name="Score">The scorecard score, offset + factor · ln(odds good:bad) of the model's output (any model kind); higher is safer, and doubling the odds adds PDO points.</param>
/// <param name="Reasons">
/// The attributes that lost the most points against their best attainable points (<see cref="CreditScorecard"/>; for a
/// model of another kind, against the best value of each attribute with the others held fixed, <see cref="CreditPredictor"/>), largest
/// first; at most the configured count, and none only when the applicant has the best value of every attribute. A
/// declined applicant therefore always has reasons unless the model declines even the best attainable applicant.
/// </param>
public sealed record CreditPrediction(
    double ProbabilityOfDefault,
    double ProbabilityGood,
    string Label,
    bool IsDefault,
    double Score,
    IReadOnlyList<PredictionReason> Reasons);
