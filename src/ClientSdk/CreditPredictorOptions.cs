namespace PrivateFl.ClientSdk;

/// <summary>Options of <see cref="CreditPredictor"/>: the decision threshold, the scorecard scaling and the reasons.</summary>
/// <remarks>
/// The score uses points-to-double-the-odds scaling: factor = PDO / ln 2, offset = base score − factor · ln(base odds),
/// score = offset + factor · ln(odds good:bad). With the defaults an applicant at 50:1 good:bad odds scores 600, at
/// 100:1 scores 620 and at 25:1 scores 580.
/// </remarks>
public sealed class CreditPredictorOptions
{
    /// <summary>Gets or sets the probability of default from which the decision is the positive (<c>bad</c>) label, in [0, 1]. Default: 0.5.</summary>
    public double Threshold { get; set; } = 0.5;

    /// <summary>Gets or sets the score given at <see cref="BaseOdds"/>. Default: 600 points.</summary>
    public double BaseScore { get; set; } = 600;

    /// <summary>Gets or sets the good:bad odds that score <see cref="BaseScore"/>; positive. Default: 50 (50:1).</summary>
    public double BaseOdds { get; set; } = 50;

    /// <summary>Gets or sets PDO, the points added when the good:bad odds double; positive. Default: 20 points.</summary>
    public double PointsToDoubleOdds { get; set; } = 20;

    /// <summary>Gets or sets the most reasons a prediction lists; 0 for none. Default: 3.</summary>
    public int ReasonCount { get; set; } = 3;

    /// <summary>
    /// Gets or sets whether a categorical value outside the vocabulary is scored in the column's unknown bucket
    /// (<see langword="true"/>) or refused as invalid (<see langword="false"/>). Default: <see langword="false"/>.
    /// </summary>
    public bool AllowUnknownCategories { get; set; }

    internal void Validate(string parameterName)
    {
        if (!(Threshold >= 0 && Threshold <= 1))
        {
            throw Invalid(parameterName, $"{nameof(CreditPredictorOptions)}.{nameof(Threshold)} must be in [0, 1]; got {Threshold}.");
        }

        if (!double.IsFinite(BaseScore))
        {
            throw Invalid(parameterName, $"{nameof(CreditPredictorOptions)}.{nameof(BaseScore)} must be finite; got {BaseScore}.");
        }

        if (!double.IsFinite(BaseOdds) || BaseOdds <= 0)
        {
            throw Invalid(parameterName, $"{nameof(CreditPredictorOptions)}.{nameof(BaseOdds)} must be positive and finite; got {BaseOdds}.");
        }

        if (!double.IsFinite(PointsToDoubleOdds) || PointsToDoubleOdds <= 0)
        {
            throw Invalid(parameterName, $"{nameof(CreditPredictorOptions)}.{nameof(PointsToDoubleOdds)} must be positive and finite; got {PointsToDoubleOdds}.");
        }

        if (ReasonCount < 0)
        {
            throw Invalid(parameterName, $"{nameof(CreditPredictorOptions)}.{nameof(ReasonCount)} must be zero or positive; got {ReasonCount}.");
        }
    }

    private static ArgumentException Invalid(string parameterName, string message) => new(message, parameterName);
}
