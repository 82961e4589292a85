using System.Globalization;
using System.Text;
using System.Text.Json;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>
/// A logistic-regression model written out as the scorecard a credit officer reads: base points, points per attribute
/// and category or bin, the odds scaling, the cut-off score and the reference point of reason codes; as JSON
/// (<see cref="ToJson"/>) or CSV (<see cref="ToCsv"/>). Immutable; <see cref="CreditPredictor.Scorecard"/> is the one
/// a predictor scores and explains with.
/// </summary>
/// <remarks>
/// <para>Scaling (Siddiqi, <i>Credit Risk Scorecards</i>, 2006, ch. 6): score = offset + factor · ln(odds good:bad),
/// factor = PDO / ln 2, offset = base score − factor · ln(base odds). With z = b + Σ wᵢxᵢ the model's log-odds of
/// default, score = offset − factor · z, so each attribute adds −factor · (its part of z). Those parts are shifted so
/// that every attribute's worst attainable value gives 0 points and the shifts go into <see cref="BasePoints"/>:
/// score = <see cref="BasePoints"/> + Σ over attributes of the applicant's points, exactly the predictor's score.</para>
/// <para>Numeric bins: the column's declared public range (never a bank's data, for the same reason the scaling uses
/// it) is cut into <see cref="NumericBinCount"/> bins of equal width on the transformed scale (so log-scaled amounts
/// get geometric bins), and the inner edges are rounded to two significant figures. The model is linear inside a bin,
/// so a bin gives the points at both ends and interpolation between them is exact.</para>
/// <para>Reason codes (<see cref="PredictionReason"/>) are measured against the best attainable points of each attribute
/// (<see cref="ScorecardCharacteristic.ReferencePoints"/>, the "maximum points" method of adverse-action notices): points
/// lost = reference points − the applicant's points = factor · (the attribute's part of z − the smallest part it can
/// have), never negative. An applicant loses no points only at the best value of every attribute, which scores
/// <see cref="MaximumScore"/>; so every declined applicant has reasons unless the model declines even that best
/// applicant (<see cref="MaximumScore"/> at or below <see cref="CutoffScore"/>).</para>
/// <para>The unknown bucket of a categorical column is a row of the scorecard only when
/// <see cref="CreditPredictorOptions.AllowUnknownCategories"/> is set; otherwise no applicant can reach it. Protected
/// columns are not model features and give no points (<see cref="ExcludedColumns"/>).</para>
/// </remarks>
public sealed class CreditScorecard
{
    /// <summary>The number of bins of a numeric attribute: 5.</summary>
    public const int NumericBinCount = 5;

    /// <summary>What reason codes are measured against, in words (also written into the JSON and CSV forms).</summary>
    public const string ReferenceDescription = "Reason codes are measured against the best attainable points of each attribute (reference_points): points lost = reference_points minus the points of the applicant value; reasons list the attributes that lost the most points, largest first.";

    private const string BinDescription = "Numeric bins cut the declared public range of the column into 5 bins of equal width on its transformed scale, inner edges rounded to 2 significant figures; points are linear inside a bin between points_at_lower and points_at_upper (on the transformed scale).";

    private readonly double[] _weights;
    private readonly double[] _smallestContribution;
    private readonly Scorecard _scaling;

    internal CreditScorecard(FeatureSchema schema, double[] weights, CreditPredictorOptions options)
    {
        Schema = schema;
        _weights = weights;
        _scaling = new Scorecard(options.BaseScore, options.BaseOdds, options.PointsToDoubleOdds);
        BaseScore = options.BaseScore;
        BaseOdds = options.BaseOdds;
        PointsToDoubleOdds = options.PointsToDoubleOdds;
        Threshold = options.Threshold;
        double factor = _scaling.Factor;
        IReadOnlyList<FeatureColumn> columns = schema.Columns;
        _smallestContribution = new double[columns.Count];
        var attributes = new List<ScorecardCharacteristic>();
        double largestSum = 0;
        for (int c = 0; c < columns.Count; c++)
        {
            FeatureColumn column = columns[c];
            if (column.IsProtected)
            {
                continue;
            }

            int offset = schema.Encoder.OffsetOf(c) + 1;
            ScorecardBin[] bins;
            double smallest;
            double largest;
            if (column.Kind == FeatureKind.Categorical)
            {
                int rows = column.Vocabulary.Count + (options.AllowUnknownCategories ? 1 : 0);
                double[] parts = weights[offset..(offset + rows)];
                smallest = parts.Min();
                largest = parts.Max();
                bins = new ScorecardBin[rows];
                for (int k = 0; k < rows; k++)
                {
                    double points = factor * (largest - parts[k]);
                    bins[k] = new ScorecardBin(k < column.Vocabulary.Count ? column.Vocabulary[k] : FeatureColumn.UnknownCategory, null, null, points, points, points);
                }
            }
            else
            {
                double w = weights[offset];
                smallest = -Math.Abs(w);
                largest = Math.Abs(w);
                bins = NumericBins(column, x => factor * (largest - (w * Scaled(column, x))));
            }

            _smallestContribution[c] = smallest;
            largestSum += largest;
            attributes.Add(new ScorecardCharacteristic(column.Name, column.Kind, column.Transform, factor * (largest - smallest), Array.AsReadOnly(bins)));
        }

        Characteristics = attributes.AsReadOnly();
        ExcludedColumns = Array.AsReadOnly(columns.Where(c => c.IsProtected).Select(c => c.Name).ToArray());
        BasePoints = _scaling.Offset - (factor * (weights[0] + largestSum));
        MaximumScore = BasePoints + attributes.Sum(a => a.ReferencePoints);
        CutoffScore = Threshold is > 0 and < 1 ? _scaling.Score(Math.Log(Threshold / (1 - Threshold))) : null;
    }

    /// <summary>Gets the schema of the model.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Gets the score at <see cref="BaseOdds"/>.</summary>
    public double BaseScore { get; }

    /// <summary>Gets the good:bad odds that score <see cref="BaseScore"/>.</summary>
    public double BaseOdds { get; }

    /// <summary>Gets PDO, the points that double the good:bad odds.</summary>
    public double PointsToDoubleOdds { get; }

    /// <summary>Gets factor = PDO / ln 2: the points of one unit of ln(odds good:bad).</summary>
    public double Factor => _scaling.Factor;

    /// <summary>Gets offset = base score − factor · ln(base odds): the score at even odds.</summary>
    public double Offset => _scaling.Offset;

    /// <summary>Gets the points every applicant starts from (the score of the worst attainable applicant).</summary>
    public double BasePoints { get; }

    /// <summary>Gets the score of the best attainable applicant: <see cref="BasePoints"/> plus every attribute's reference points.</summary>
    public double MaximumScore { get; }

    /// <summary>Gets the probability of default from which an applicant is declined.</summary>
    public double Threshold { get; }

    /// <summary>
    /// Gets the score at the threshold: an applicant scoring at or below it is declined, above it approved;
    /// <see langword="null"/> when the threshold is 0 (all declined) or 1 (none declined).
    /// </summary>
    public double? CutoffScore { get; }

    /// <summary>Gets the characteristics: the unprotected columns in schema order.</summary>
    public IReadOnlyList<ScorecardCharacteristic> Characteristics { get; }

    /// <summary>Gets the protected columns, which give no points.</summary>
    public IReadOnlyList<string> ExcludedColumns { get; }

    /// <summary>Creates the scorecard of a logistic-regression model.</summary>
    /// <param name="schema">The schema the model was trained over.</param>
    /// <param name="weights">The F + 1 weights, bias first; copied.</param>
    /// <param name="options">The threshold, scaling and unknown-category rule, or <see langword="null"/> for the defaults; read once.</param>
    /// <returns>The scorecard.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schema"/> or <paramref name="weights"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the schema or are not finite, or an option is out of range.</exception>
    public static CreditScorecard Create(FeatureSchema schema, IReadOnlyList<double> weights, CreditPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(weights);
        double[] copy = [.. weights];
        LogisticRegression.ThrowIfInvalidWeights(copy, schema);
        options ??= new CreditPredictorOptions();
        options.Validate(nameof(options));
        return new CreditScorecard(schema, copy, options);
    }

    /// <summary>Writes the scorecard as JSON (snake_case names, numbers as round-trip doubles).</summary>
    /// <param name="indented">Whether to indent the document. Default: <see langword="true"/>.</param>
    /// <returns>The JSON document.</returns>
    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteStartObject("schema");
            json.WriteString("name", Schema.Name);
            json.WriteNumber("version", Schema.Version);
            json.WriteString("hash", Schema.Hash);
            json.WriteEndObject();
            json.WriteStartObject("scaling");
            json.WriteNumber("base_score", BaseScore);
            json.WriteNumber("base_odds", BaseOdds);
            json.WriteNumber("points_to_double_odds", PointsToDoubleOdds);
            json.WriteNumber("factor", Factor);
            json.WriteNumber("offset", Offset);
            json.WriteEndObject();
            json.WriteNumber("threshold", Threshold);
            WriteNullable(json, "cutoff_score", CutoffScore);
            json.WriteNumber("base_points", BasePoints);
            json.WriteNumber("maximum_score", MaximumScore);
            json.WriteString("reference", ReferenceDescription);
            json.WriteString("numeric_bins", BinDescription);
            json.WriteStartArray("excluded_columns");
            foreach (string column in ExcludedColumns)
            {
                json.WriteStringValue(column);
            }

            json.WriteEndArray();
            json.WriteStartArray("attributes");
            foreach (ScorecardCharacteristic attribute in Characteristics)
            {
                json.WriteStartObject();
                json.WriteString("attribute", attribute.Column);
                json.WriteString("kind", KindName(attribute.Kind));
                json.WriteString("transform", TransformName(attribute.Transform));
                json.WriteNumber("reference_points", attribute.ReferencePoints);
                json.WriteStartArray("bins");
                foreach (ScorecardBin bin in attribute.Bins)
                {
                    json.WriteStartObject();
                    json.WriteString("bin", bin.Label);
                    WriteNullable(json, "lower", bin.Lower);
                    WriteNullable(json, "upper", bin.Upper);
                    json.WriteNumber("points", bin.Points);
                    json.WriteNumber("points_at_lower", bin.PointsAtLower);
                    json.WriteNumber("points_at_upper", bin.PointsAtUpper);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Writes the scorecard as CSV (RFC 4180, comma-separated, a header row, CRLF line ends). The header is
    /// <c>section,attribute,bin,lower,upper,points,points_at_lower,points_at_upper,reference_points</c>. Rows of section
    /// <c>scaling</c> give <c>base_score</c>, <c>base_odds</c>, <c>points_to_double_odds</c>, <c>factor</c>,
    /// <c>offset</c>, <c>threshold</c>, <c>cutoff_score</c> (empty when there is none), <c>base_points</c> and
    /// <c>maximum_score</c>, each in <c>points</c>; section <c>category</c> has a row per category and section
    /// <c>bin</c> a row per numeric bin, each with its attribute's <c>reference_points</c>.
    /// </summary>
    /// <returns>The CSV text.</returns>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.Append("section,attribute,bin,lower,upper,points,points_at_lower,points_at_upper,reference_points\r\n");
        void Scaling(string name, double? value) => csv.Append(CultureInfo.InvariantCulture, $"scaling,{name},,,,{Number(value)},,,\r\n");
        Scaling("base_score", BaseScore);
        Scaling("base_odds", BaseOdds);
        Scaling("points_to_double_odds", PointsToDoubleOdds);
        Scaling("factor", Factor);
        Scaling("offset", Offset);
        Scaling("threshold", Threshold);
        Scaling("cutoff_score", CutoffScore);
        Scaling("base_points", BasePoints);
        Scaling("maximum_score", MaximumScore);
        foreach (ScorecardCharacteristic attribute in Characteristics)
        {
            foreach (ScorecardBin bin in attribute.Bins)
            {
                csv.Append(attribute.Kind == FeatureKind.Categorical ? "category" : "bin").Append(',')
                    .Append(Quote(attribute.Column)).Append(',')
                    .Append(Quote(bin.Label)).Append(',')
                    .Append(Number(bin.Lower)).Append(',')
                    .Append(Number(bin.Upper)).Append(',')
                    .Append(Number(bin.Points)).Append(',')
                    .Append(Number(bin.PointsAtLower)).Append(',')
                    .Append(Number(bin.PointsAtUpper)).Append(',')
                    .Append(Number(attribute.ReferencePoints)).Append("\r\n");
            }
        }

        return csv.ToString();
    }

    /// <summary>The reasons of one validated applicant: the attributes that lost points against their reference, most first.</summary>
    internal PredictionReason[] Reasons(ParsedValue[] values, ReadOnlySpan<double> features, int count)
    {
        IReadOnlyList<FeatureColumn> columns = Schema.Columns;
        var lost = new List<(int Column, double Points)>();
        for (int c = 0; c < columns.Count; c++)
        {
            if (columns[c].IsProtected)
            {
                continue;
            }

            int offset = Schema.Encoder.OffsetOf(c);
            double contribution = 0;
            for (int j = offset; j < offset + columns[c].EncodedLength; j++)
            {
                contribution += _weights[j + 1] * features[j];
            }

            double points = _scaling.PointsLost(contribution - _smallestContribution[c]);
            if (points > 0)
            {
                lost.Add((c, points));
            }
        }

        return PredictionReason.Top(lost, count, columns, values);
    }

    private static ScorecardBin[] NumericBins(FeatureColumn column, Func<double, double> pointsAt)
    {
        double minimum = column.Minimum!.Value;
        double maximum = column.Maximum!.Value;
        double low = FeatureEncoder.Transform(minimum, column.Transform);
        double high = FeatureEncoder.Transform(maximum, column.Transform);
        var edges = new List<double> { minimum };
        for (int i = 1; i < NumericBinCount; i++)
        {
            double edge = RoundToTwoFigures(Inverse(low + ((high - low) * i / NumericBinCount), column.Transform));
            if (edge > edges[^1] && edge < maximum)
            {
                edges.Add(edge);
            }
        }

        edges.Add(maximum);
        var bins = new ScorecardBin[edges.Count - 1];
        for (int b = 0; b < bins.Length; b++)
        {
            double lower = edges[b];
            double upper = edges[b + 1];
            double atLower = pointsAt(lower);
            double atUpper = pointsAt(upper);
            string label = string.Create(CultureInfo.InvariantCulture, $"[{lower}, {upper}{(b == bins.Length - 1 ? "]" : ")")}");
            bins[b] = new ScorecardBin(label, lower, upper, (atLower + atUpper) / 2, atLower, atUpper);
        }

        return bins;
    }

    private static double Scaled(FeatureColumn column, double value) =>
        FeatureEncoder.Scale(
            FeatureEncoder.Transform(value, column.Transform),
            FeatureEncoder.Transform(column.Minimum!.Value, column.Transform),
            FeatureEncoder.Transform(column.Maximum!.Value, column.Transform));

    private static double Inverse(double transformed, NumericTransform transform) =>
        transform == NumericTransform.Log ? Math.Sign(transformed) * (Math.Exp(Math.Abs(transformed)) - 1) : transformed;

    private static double RoundToTwoFigures(double value)
    {
        if (value == 0)
        {
            return 0;
        }

        // Rounding to decimals for small values and to whole powers of ten for large ones keeps edges such as 3.4 exact.
        int decimals = 1 - (int)Math.Floor(Math.Log10(Math.Abs(value)));
        if (decimals >= 0)
        {
            return Math.Round(value, Math.Min(decimals, 15));
        }

        double unit = Math.Pow(10, -decimals);
        return Math.Round(value / unit) * unit;
    }

    private static string KindName(FeatureKind kind) => kind == FeatureKind.Numeric ? "numeric" : "categorical";

    private static string TransformName(NumericTransform transform) => transform == NumericTransform.Log ? "log" : "none";

    private static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
