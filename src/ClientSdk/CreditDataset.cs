using MathNet.Numerics.LinearAlgebra;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>
/// A bank's encoded training data: one row of <see cref="FeatureCount"/> features in [−1, 1] and one label
/// (1 = positive class, for credit a default; 0 = negative) per record, under a <see cref="FeatureSchema"/>.
/// Immutable; load it with <see cref="DatasetLoader"/>.
/// </summary>
public sealed class CreditDataset
{
    // Each row is the model input (1, x_1 … x_F): the leading 1 multiplies the bias weight.
    private readonly double[][] _inputs;
    private readonly int[] _labels;
    private readonly Lazy<Matrix<double>> _design;

    // Per row, the values of the schema's protected columns in column order: kept for fairness reporting, never features.
    private readonly ParsedValue[][]? _protected;

    internal CreditDataset(FeatureSchema schema, double[][] inputs, int[] labels, ParsedValue[][]? protectedValues = null)
    {
        Schema = schema;
        _inputs = inputs;
        _labels = labels;
        _protected = protectedValues;
        PositiveCount = labels.Count(label => label == 1);
        _design = new Lazy<Matrix<double>>(() => Matrix<double>.Build.DenseOfRowArrays(_inputs));
    }

    /// <summary>Gets the schema the rows were encoded with.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Gets the number of rows.</summary>
    public int RowCount => _labels.Length;

    /// <summary>Gets F, the number of features per row (<see cref="FeatureSchema.EncodedLength"/>).</summary>
    public int FeatureCount => Schema.EncodedLength;

    /// <summary>Gets the number of rows of the positive class (label 1).</summary>
    public int PositiveCount { get; }

    /// <summary>Gets the labels in row order: 1 for the positive class (<see cref="FeatureSchema.PositiveLabel"/>), 0 for the negative.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Design matrix, n × (F + 1), bias column first.</summary>
    internal Matrix<double> Design => _design.Value;

    /// <summary>Gets the encoded features of one row.</summary>
    /// <param name="row">The 0-based row index.</param>
    /// <returns>The F features, each in [−1, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not a row index.</exception>
    public ReadOnlySpan<double> GetFeatures(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        return _inputs[row].AsSpan(1);
    }

    /// <summary>Returns the data set made of the given rows, in the order given (a row may appear more than once).</summary>
    /// <param name="rows">0-based row indices.</param>
    /// <returns>The new data set, sharing this one's schema.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is not a row index.</exception>
    public CreditDataset Subset(IEnumerable<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int[] selected = [.. rows];
        foreach (int row in selected)
        {
            if ((uint)row >= (uint)RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row indices must be 0 to {RowCount - 1}.");
            }
        }

        return Select(selected);
    }

    /// <summary>
    /// Splits the rows into a training and a test set, keeping the share of each class (stratified): of the
    /// n_c rows of class c, round(n_c · <paramref name="testFraction"/>) go to the test set. Deterministic for a seed.
    /// </summary>
    /// <param name="testFraction">The share of each class that goes to the test set, in (0, 1).</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>The two sets; each keeps the original row order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">One of the two sets would be empty.</exception>
    public (CreditDataset Train, CreditDataset Test) StratifiedSplit(double testFraction, int seed)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be strictly between 0 and 1.");
        }

        var random = new SeededRandom(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (int[] rows in RowsByClass())
        {
            random.Shuffle(rows.AsSpan());
            int testCount = (int)Math.Round(rows.Length * testFraction, MidpointRounding.AwayFromZero);
            test.AddRange(rows.Take(testCount));
            train.AddRange(rows.Skip(testCount));
        }

        if (train.Count == 0 || test.Count == 0)
        {
            throw new ArgumentException($"A test fraction of {testFraction} leaves the training or the test set of {RowCount} rows empty.", nameof(testFraction));
        }

        train.Sort();
        test.Sort();
        return (Select([.. train]), Select([.. test]));
    }

    /// <summary>
    /// Deals the rows into <paramref name="shardCount"/> disjoint shards (one per simulated bank) that keep the
    /// share of each class: each class is shuffled and dealt round-robin, continuing across classes, so shard
    /// sizes differ by at most one. Deterministic for a seed.
    /// </summary>
    /// <param name="shardCount">The number of shards, from 1 to <see cref="RowCount"/>.</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>The shards; each keeps the original row order, and together they hold every row once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shardCount"/> is below 1 or above <see cref="RowCount"/>.</exception>
    public IReadOnlyList<CreditDataset> StratifiedShards(int shardCount, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shardCount, RowCount);
        var random = new SeededRandom(seed);
        var shards = new List<int>[shardCount];
        for (int i = 0; i < shardCount; i++)
        {
            shards[i] = [];
        }

        int next = 0;
        foreach (int[] rows in RowsByClass())
        {
            random.Shuffle(rows.AsSpan());
            foreach (int row in rows)
            {
                shards[next].Add(row);
                next = (next + 1) % shardCount;
            }
        }

        return Array.AsReadOnly(shards.Select(shard =>
        {
            shard.Sort();
            return Select([.. shard]);
        }).ToArray());
    }

    /// <summary>
    /// Deals the rows into <paramref name="shardCount"/> disjoint shards by bands of one column, the non-IID case where
    /// each bank serves a different population (for example banks of small and of large credit limits, or of customers who
    /// pay in full and who revolve or fall behind): rows are sorted by the column (a numeric column by its feature, a
    /// categorical one by its category's place in the vocabulary, the unknown bucket last; ties in row order) and cut into
    /// contiguous bands whose sizes differ by at most one.
    /// </summary>
    /// <param name="shardCount">The number of shards, from 1 to <see cref="RowCount"/>.</param>
    /// <param name="columnName">An unprotected column of the schema, such as <c>LIMIT_BAL</c> or <c>PAY_0</c>.</param>
    /// <returns>The shards, lowest band first; each keeps the original row order, and together they hold every row once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="columnName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The schema has no such unprotected column.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shardCount"/> is below 1 or above <see cref="RowCount"/>.</exception>
    public IReadOnlyList<CreditDataset> ShardsByFeatureBand(int shardCount, string columnName)
    {
        ArgumentNullException.ThrowIfNull(columnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shardCount, RowCount);
        int column = -1;
        for (int c = 0; c < Schema.Columns.Count; c++)
        {
            if (!Schema.Columns[c].IsProtected && string.Equals(Schema.Columns[c].Name, columnName, StringComparison.Ordinal))
            {
                column = c;
                break;
            }
        }

        if (column < 0)
        {
            throw new ArgumentException($"The schema {Schema} has no unprotected column '{columnName}'.", nameof(columnName));
        }

        int offset = Schema.Encoder.OffsetOf(column) + 1;
        int width = Schema.Columns[column].EncodedLength;
        double Key(int row) => width == 1 && Schema.Columns[column].Kind == FeatureKind.Numeric
            ? _inputs[row][offset]
            : Array.IndexOf(_inputs[row], 1.0, offset, width) - offset;
        int[] order = [.. Enumerable.Range(0, RowCount).OrderBy(Key).ThenBy(row => row)];
        var shards = new CreditDataset[shardCount];
        for (int s = 0; s < shardCount; s++)
        {
            int start = (int)((long)s * RowCount / shardCount);
            int end = (int)((long)(s + 1) * RowCount / shardCount);
            int[] rows = order[start..end];
            Array.Sort(rows);
            shards[s] = Select(rows);
        }

        return Array.AsReadOnly(shards);
    }

    /// <summary>Gets the model input of a row: 1 (for the bias) followed by its F features.</summary>
    internal double[] Input(int row) => _inputs[row];

    /// <summary>Gets whether the rows carry the values of the schema's protected columns (they do when loaded from CSV).</summary>
    internal bool HasProtectedValues => _protected is not null;

    /// <summary>Gets the value of the <paramref name="protectedIndex"/>-th protected column (in schema order) of a row.</summary>
    internal ParsedValue ProtectedValue(int row, int protectedIndex) => _protected![row][protectedIndex];

    private int[][] RowsByClass() =>
    [
        [.. Enumerable.Range(0, RowCount).Where(i => _labels[i] == 0)],
        [.. Enumerable.Range(0, RowCount).Where(i => _labels[i] == 1)],
    ];

    private CreditDataset Select(int[] rows) =>
        new(Schema, [.. rows.Select(i => _inputs[i])], [.. rows.Select(i => _labels[i])], _protected is null ? null : [.. rows.Select(i => _protected[i])]);
}
