using System.Globalization;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>
/// How a model's decisions fall on the groups of each protected column of a labelled data set: per group the count,
/// the approval rate at the decision threshold and the ROC AUC, and per column the ratio of the lowest approval rate
/// to the highest (the "four-fifths" figure). Immutable; create it with <see cref="Create(CreditModel, ReadOnlySpan{double}, CreditDataset, double, IReadOnlyList{double}?)"/>.
/// </summary>
/// <remarks>
/// <para>The protected columns (<see cref="FeatureColumn.IsProtected"/>) are never model features; a data set loaded
/// by <see cref="DatasetLoader"/> keeps their values beside the rows for this report only.</para>
/// <para>An applicant is approved when the predicted probability of default is below the threshold, the rule of
/// <see cref="CreditPredictor"/> (<see cref="CreditPredictorOptions.Threshold"/>).</para>
/// <para>A categorical protected column is grouped by its categories (aliases resolved). A numeric one (such as age) is
/// grouped into bands at fixed edges, by default <see cref="DefaultNumericBandEdges"/> (25, 35, 45, 55 and 65, the
/// decade bands common in credit and employment reporting): with age [18, 100] the bands are [18, 25), [25, 35),
/// [35, 45), [45, 55), [55, 65) and [65, 100]. Edges are public and fixed, never fitted to the data, so that two banks'
/// reports compare. Edges outside the column's declared range are ignored.</para>
/// </remarks>
public sealed class FairnessReport
{
    /// <summary>The approval-rate ratio below which a column is read as showing adverse impact (29 CFR 1607.4(D)): 0.8.</summary>
    public const double FourFifths = 0.8;

    private FairnessReport(double threshold, int count, int approved, double? rocAuc, IReadOnlyList<ProtectedColumnFairness> columns)
    {
        Threshold = threshold;
        Count = count;
        ApprovalRate = approved / (double)count;
        RocAuc = rocAuc;
        Columns = columns;
    }

    /// <summary>Gets the default band edges of a numeric protected column: 25, 35, 45, 55 and 65 (years, for age).</summary>
    public static IReadOnlyList<double> DefaultNumericBandEdges { get; } = Array.AsReadOnly(new double[] { 25, 35, 45, 55, 65 });

    /// <summary>Gets the probability of default from which an applicant is declined.</summary>
    public double Threshold { get; }

    /// <summary>Gets the number of rows the report covers.</summary>
    public int Count { get; }

    /// <summary>Gets the approval rate over all rows, in [0, 1].</summary>
    public double ApprovalRate { get; }

    /// <summary>Gets the ROC AUC over all rows; <see langword="null"/> when the data holds only one class.</summary>
    public double? RocAuc { get; }

    /// <summary>Gets one entry per protected column of the schema, in schema order; empty when the schema protects none.</summary>
    public IReadOnlyList<ProtectedColumnFairness> Columns { get; }

    /// <summary>Computes the report of a model on a labelled data set.</summary>
    /// <param name="model">The model.</param>
    /// <param name="weights">The model's weights.</param>
    /// <param name="data">The labelled data, over <paramref name="model"/>'s schema, loaded with its protected columns.</param>
    /// <param name="threshold">The probability of default from which an applicant is declined, in [0, 1]. Default: 0.5.</param>
    /// <param name="numericBandEdges">The band edges of numeric protected columns, increasing; <see langword="null"/> for <see cref="DefaultNumericBandEdges"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the model, the data has another schema or does not carry its protected values, or the edges are not finite and increasing.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is outside [0, 1].</exception>
    public static FairnessReport Create(CreditModel model, ReadOnlySpan<double> weights, CreditDataset data, double threshold = 0.5, IReadOnlyList<double>? numericBandEdges = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        return Create(data, model.PredictProbabilities(weights, data), threshold, numericBandEdges);
    }

    /// <summary>Computes the report from probabilities of default already predicted for every row of a labelled data set.</summary>
    /// <param name="data">The labelled data, loaded with its protected columns.</param>
    /// <param name="probabilitiesOfDefault">One probability of default per row, in row order, each in [0, 1].</param>
    /// <param name="threshold">The probability of default from which an applicant is declined, in [0, 1]. Default: 0.5.</param>
    /// <param name="numericBandEdges">The band edges of numeric protected columns, increasing; <see langword="null"/> for <see cref="DefaultNumericBandEdges"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The probabilities do not match the rows or leave [0, 1], the data does not carry its protected values, or the edges are not finite and increasing.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is outside [0, 1].</exception>
    public static FairnessReport Create(CreditDataset data, ReadOnlySpan<double> probabilitiesOfDefault, double threshold = 0.5, IReadOnlyList<double>? numericBandEdges = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(threshold >= 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be in [0, 1].");
        }

        if (probabilitiesOfDefault.Length != data.RowCount)
        {
            throw new ArgumentException($"There are {probabilitiesOfDefault.Length} probabilities for {data.RowCount} rows.", nameof(probabilitiesOfDefault));
        }

        foreach (double p in probabilitiesOfDefault)
        {
            if (!(p >= 0 && p <= 1))
            {
                throw new ArgumentException($"Every probability must be in [0, 1]; got {p}.", nameof(probabilitiesOfDefault));
            }
        }

        double[] edges = [.. numericBandEdges ?? DefaultNumericBandEdges];
        for (int i = 0; i < edges.Length; i++)
        {
            if (!double.IsFinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1]))
            {
                throw new ArgumentException("The band edges must be finite and strictly increasing.", nameof(numericBandEdges));
            }
        }

        IReadOnlyList<FeatureColumn> columns = data.Schema.Columns;
        if (!data.HasProtectedValues && columns.Any(c => c.IsProtected))
        {
            throw new ArgumentException("The data set does not carry the values of its protected columns; load it with DatasetLoader.", nameof(data));
        }

        double[] probabilities = probabilitiesOfDefault.ToArray();
        int[] labels = data.Labels.ToArray();
        int[] all = [.. Enumerable.Range(0, data.RowCount)];
        var reports = new List<ProtectedColumnFairness>();
        int protectedIndex = 0;
        foreach (FeatureColumn column in columns)
        {
            if (!column.IsProtected)
            {
                continue;
            }

            int index = protectedIndex++;
            string[] groupNames = GroupNames(column, edges, out double[] bandEdges);
            var members = new List<int>[groupNames.Length];
            for (int g = 0; g < members.Length; g++)
            {
                members[g] = [];
            }

            foreach (int row in all)
            {
                ParsedValue value = data.ProtectedValue(row, index);
                int group = column.Kind == FeatureKind.Categorical ? value.Category : Band(value.Number, bandEdges);
                members[group].Add(row);
            }

            ProtectedGroupMetrics[] groups =
            [
                .. Enumerable.Range(0, groupNames.Length)
                    .Where(g => members[g].Count > 0)
                    .Select(g => Measure(groupNames[g], members[g], probabilities, labels, threshold)),
            ];
            double highest = groups.Max(g => g.ApprovalRate);
            double lowest = groups.Min(g => g.ApprovalRate);
            reports.Add(new ProtectedColumnFairness(column.Name, Array.AsReadOnly(groups), highest == 0 ? 1 : lowest / highest));
        }

        ProtectedGroupMetrics overall = Measure(string.Empty, all, probabilities, labels, threshold);
        return new FairnessReport(threshold, data.RowCount, overall.Approved, overall.RocAuc, reports.AsReadOnly());
    }

    private static ProtectedGroupMetrics Measure(string name, IReadOnlyList<int> rows, double[] probabilities, int[] labels, double threshold)
    {
        int approved = rows.Count(row => probabilities[row] < threshold);
        int defaults = rows.Count(row => labels[row] == 1);
        double? auc = defaults == 0 || defaults == rows.Count
            ? null
            : ModelMetrics.RocAuc([.. rows.Select(row => probabilities[row])], [.. rows.Select(row => labels[row])]);
        return new ProtectedGroupMetrics(name, rows.Count, defaults, approved, approved / (double)rows.Count, auc);
    }

    /// <summary>The categories of a categorical column, or the band names of a numeric one with the band edges (declared minimum and maximum included).</summary>
    private static string[] GroupNames(FeatureColumn column, double[] edges, out double[] bandEdges)
    {
        if (column.Kind == FeatureKind.Categorical)
        {
            bandEdges = [];
            return [.. column.Vocabulary];
        }

        double minimum = column.Minimum!.Value;
        double maximum = column.Maximum!.Value;
        bandEdges = [minimum, .. edges.Where(e => e > minimum && e < maximum), maximum];
        string[] names = new string[bandEdges.Length - 1];
        for (int b = 0; b < names.Length; b++)
        {
            names[b] = string.Create(CultureInfo.InvariantCulture, $"[{bandEdges[b]}, {bandEdges[b + 1]}{(b == names.Length - 1 ? "]" : ")")}");
        }

        return names;
    }

    /// <summary>The band of a value inside the declared range: lower ≤ value &lt; upper, the last band closed.</summary>
    private static int Band(double value, double[] bandEdges)
    {
        int band = 0;
        while (band < bandEdges.Length - 2 && value >= bandEdges[band + 1])
        {
            band++;
        }

        return band;
    }
}
