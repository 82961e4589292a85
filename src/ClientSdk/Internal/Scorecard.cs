namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// Points-to-double-the-odds scaling (Siddiqi, <i>Credit Risk Scorecards</i>, 2006, ch. 6):
/// score = offset + factor · ln(odds good:bad), factor = PDO / ln 2, offset = base score − factor · ln(base odds).
/// </summary>
internal sealed class Scorecard
{
    public Scorecard(double baseScore, double baseOdds, double pointsToDoubleOdds)
    {
        Factor = pointsToDoubleOdds / Math.Log(2);
        Offset = baseScore - (Factor * Math.Log(baseOdds));
    }

    public double Factor { get; }

    public double Offset { get; }

    /// <summary>The score of a model output z = ln(odds bad:good); ln(odds good:bad) = −z exactly, with no probability in between.</summary>
    public double Score(double logOddsOfDefault) => Offset - (Factor * logOddsOfDefault);

    /// <summary>The points a term of the log-odds of default takes off the score.</summary>
    public double PointsLost(double logOddsContribution) => Factor * logOddsContribution;
}
