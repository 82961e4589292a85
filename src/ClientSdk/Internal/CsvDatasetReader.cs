using System.Globalization;
using CsvHelper;

namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// Reads one CSV input into a <see cref="CreditDataset"/>, collecting every problem instead of stopping at
/// the first (the rules are documented on <see cref="DatasetLoader"/>). One instance per input.
/// </summary>
internal sealed class CsvDatasetReader
{
    /// <summary>Reading stops after this many problems: enough to fix an export in one pass, bounded for a hostile file.</summary>
    public const int MaxProblems = 100;

    /// <summary>The most characters of a value a problem repeats.</summary>
    public const int MaxValueLength = 40;

    private readonly FeatureSchema _schema;
    private readonly int _maxRows;

    // Bank header → schema column (CsvLoadOptions.ColumnMapping), and back, for messages that name both.
    private readonly Dictionary<string, string> _mapping;
    private readonly Dictionary<string, string> _mappedFrom;
    private bool _stopped;
    private readonly List<DataProblem> _problems = [];
    private readonly List<DataProblem> _quotingProblems = [];

    public CsvDatasetReader(FeatureSchema schema, int maxRows = int.MaxValue, IEnumerable<KeyValuePair<string, string>>? mapping = null)
    {
        _schema = schema;
        _maxRows = maxRows;
        _mapping = new Dictionary<string, string>(mapping ?? [], StringComparer.Ordinal);
        _mappedFrom = _mapping.ToDictionary(m => m.Value, m => m.Key, StringComparer.Ordinal);
        Options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            AllowLineBreaksInQuotes = false,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            TrimInsideQuotes = true,
            DetectSeparatorHint = false,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            OnMalformedRecord = OnMalformedRecord,
        };
    }

    public CsvReaderOptions Options { get; }

    public CreditDataset Read(CsvReader csv)
    {
        string[] header;
        try
        {
            header = [.. csv.Headers.Select(name => name.Trim())];
        }
        catch (CsvFormatException exception)
        {
            throw new DatasetValidationException([new DataProblem(0, null, null, $"The header cannot be read: {exception.Message}")]);
        }

        if (header.Length == 0 || header.All(name => name.Length == 0))
        {
            throw new DatasetValidationException(
                [new DataProblem(0, null, null, $"The file is empty: expected a header row naming the columns {string.Join(", ", RequiredColumns().Select(c => $"'{c}'"))}.")]);
        }

        // A mapped header takes its schema column's name; the others keep theirs (CsvLoadOptions.ColumnMapping).
        header = [.. header.Select(name => _mapping.GetValueOrDefault(name, name))];
        IReadOnlyList<FeatureColumn> columns = _schema.Columns;
        int[] columnIndex = [.. columns.Select(column => FindColumn(header, column.Name))];
        int labelIndex = FindColumn(header, _schema.LabelColumn);
        FeatureEncoder encoder = _schema.Encoder;
        var inputs = new List<double[]>();
        var labels = new List<int>();
        var protectedRows = new List<ParsedValue[]>();
        int protectedCount = 0;
        int[] protectedOrdinal = [.. columns.Select(c => c.IsProtected ? protectedCount++ : -1)];
        int rows = 0;
        try
        {
            while (!_stopped && csv.Read())
            {
                rows++;
                int row = checked((int)csv.RowNumber);
                if (rows > _maxRows)
                {
                    _problems.Add(new DataProblem(row, null, null, $"The data set has more than {_maxRows.ToString(CultureInfo.InvariantCulture)} data rows, the most this reader takes; reading stopped here."));
                    break;
                }

                if (csv.FieldCount != header.Length)
                {
                    // The fields of a row with a different count are probably shifted: checking them would only add noise.
                    Add(new DataProblem(row, null, null, $"The row has {csv.FieldCount} field{(csv.FieldCount == 1 ? string.Empty : "s")}; the header has {header.Length}."));
                    continue;
                }

                double[] input = new double[encoder.EncodedLength + 1];
                input[0] = 1.0;
                var protectedValues = new ParsedValue[protectedCount];
                for (int c = 0; c < columns.Count; c++)
                {
                    if (columnIndex[c] < 0)
                    {
                        continue;
                    }

                    string raw = csv.GetString(columnIndex[c]);
                    if (encoder.TryParse(c, raw, allowUnknownCategory: false, out ParsedValue value, out string? reason))
                    {
                        encoder.Encode(c, value, input.AsSpan(1));
                        if (protectedOrdinal[c] >= 0)
                        {
                            protectedValues[protectedOrdinal[c]] = value;
                        }
                    }
                    else
                    {
                        Add(new DataProblem(row, columns[c].Name, Excerpt(raw.Trim()), reason));
                    }
                }

                int label = labelIndex < 0 ? 0 : ReadLabel(row, csv.GetString(labelIndex).Trim());
                if (_problems.Count == 0)
                {
                    inputs.Add(input);
                    labels.Add(label);
                    protectedRows.Add(protectedValues);
                }
            }
        }
        catch (CsvFormatException exception)
        {
            _problems.Add(new DataProblem(rows + 1, null, null, $"The CSV cannot be read further: {exception.Message}"));
        }

        // The note comes last, after the problems in file order.
        DataProblem[] note = _stopped ? [new DataProblem(rows, null, null, $"Reading stopped after the first {MaxProblems} problems; fix these and load the file again.")] : [];

        if (rows == 0 && _problems.Count == 0)
        {
            _problems.Add(new DataProblem(0, null, null, "The file has a header but no data rows."));
        }

        if (_problems.Count > 0 || _quotingProblems.Count > 0)
        {
            throw new DatasetValidationException(
                _problems.Concat(_quotingProblems)
                    .Select((problem, order) => (problem, order))
                    .OrderBy(p => p.problem.Row)
                    .ThenBy(p => p.problem.Column is null ? 0 : 1)
                    .ThenBy(p => p.order)
                    .Select(p => p.problem)
                    .Concat(note));
        }

        return new CreditDataset(_schema, [.. inputs], [.. labels], [.. protectedRows]);
    }

    private int ReadLabel(int row, string value)
    {
        if (string.Equals(value, _schema.PositiveLabel, StringComparison.Ordinal))
        {
            return 1;
        }

        if (string.Equals(value, _schema.NegativeLabel, StringComparison.Ordinal))
        {
            return 0;
        }

        string expected = $"'{_schema.PositiveLabel}' (positive) or '{_schema.NegativeLabel}' (negative)";
        Add(new DataProblem(
            row,
            _schema.LabelColumn,
            Excerpt(value),
            value.Length == 0 ? $"The label is empty; expected {expected}." : $"The label is not {expected}."));
        return 0;
    }

    private int FindColumn(string[] header, string name)
    {
        int index = -1;
        int count = 0;
        for (int i = 0; i < header.Length; i++)
        {
            if (string.Equals(header[i], name, StringComparison.Ordinal))
            {
                index = index < 0 ? i : index;
                count++;
            }
        }

        string? source = _mappedFrom.GetValueOrDefault(name);
        if (count == 0 && source is not null)
        {
            _problems.Add(new DataProblem(0, name, null, $"The column '{source}', which the column mapping maps to '{name}', is missing from the header; names are matched exactly."));
            return -1;
        }

        if (count > 1 && source is not null)
        {
            _problems.Add(new DataProblem(0, name, null, $"The header names the column '{name}' {count.ToString(CultureInfo.InvariantCulture)} times once the column mapping renames '{source}' to it."));
            return -1;
        }

        if (count == 0)
        {
            string[] named = [.. header.Where(h => h.Length > 0)];
            string found = string.Join(", ", named.Take(16).Select(h => $"'{Excerpt(h)}'")) + (named.Length > 16 ? $" and {named.Length - 16} more" : string.Empty);
            _problems.Add(new DataProblem(0, name, null, $"The required column '{name}' is missing from the header (found {found}); names are matched exactly."));
            return -1;
        }

        if (count > 1)
        {
            _problems.Add(new DataProblem(0, name, null, $"The header names the column '{name}' {count.ToString(CultureInfo.InvariantCulture)} times."));
            return -1;
        }

        return index;
    }

    private IEnumerable<string> RequiredColumns() => _schema.Columns.Select(c => c.Name).Append(_schema.LabelColumn);

    private void OnMalformedRecord(CsvMalformedRecord record)
    {
        // Record numbers count the header; field-count mismatches are reported per row by Read.
        if (record.Reason != CsvMalformedReason.FieldCountMismatch && !_stopped)
        {
            _quotingProblems.Add(new DataProblem(
                checked((int)Math.Max(0, record.RecordNumber - 1)),
                null,
                Excerpt(record.RawRecord),
                $"Malformed quoting ({record.Reason}): RFC 4180 quotes a whole value, doubles a quote inside it and does not break lines inside it."));
            _stopped = _problems.Count + _quotingProblems.Count >= MaxProblems;
        }
    }

    /// <summary>A value cut to <see cref="MaxValueLength"/> characters, so that a problem report never carries more than a glimpse of a row.</summary>
    internal static string Excerpt(string value) =>
        value.Length <= MaxValueLength ? value : string.Concat(value.AsSpan(0, char.IsHighSurrogate(value[MaxValueLength - 1]) ? MaxValueLength - 1 : MaxValueLength), "…");

    private void Add(DataProblem problem)
    {
        if (_stopped)
        {
            return;
        }

        _problems.Add(problem);
        if (_problems.Count + _quotingProblems.Count >= MaxProblems)
        {
            _stopped = true;
        }
    }
}
