using CsvHelper;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>Loads and validates a bank's credit data from CSV against a <see cref="FeatureSchema"/>.</summary>
/// <remarks>
/// <para>Accepted layouts: UTF-8 (with or without a byte order mark; UTF-16 and UTF-32 with one), CRLF or LF
/// line endings, comma-separated, RFC 4180 quoting (a quoted value may not span lines, so that one stray quote
/// cannot swallow the rest of the file), a header row. Columns are found by header name, exactly after
/// trimming (or by a bank's own header names through <see cref="CsvLoadOptions.ColumnMapping"/>), in any order; columns the schema does not name (such as an unnamed leading row index) are
/// ignored. Blank lines are skipped. Values are trimmed.</para>
/// <para>Every row is checked and every problem reported at once (up to the first 100, after which reading stops; a
/// value is repeated in a problem only as its first 40 characters), in a <see cref="DatasetValidationException"/>;
/// no row is ever dropped or repaired silently. Problems: a required column missing or named twice in the
/// header; a row with a different number of fields from the header; malformed quoting; a numeric value that
/// is empty, not a number or outside the column's declared range (such values are refused, not clamped: a
/// value outside generous public bounds, such as an age of −3 or 999, is a data error; only a column that declares
/// clipping, <see cref="FeatureColumn.ClipsOutOfRange"/>, clips it to its range instead); a categorical value
/// that is empty (unless the column declares what absence means) or neither a category nor an alias of the
/// vocabulary; a label that is empty or neither the positive nor the negative value; an empty file or one
/// with a header and no rows.</para>
/// </remarks>
public static class DatasetLoader
{
    /// <summary>Loads a CSV file.</summary>
    /// <param name="path">The path of the file.</param>
    /// <param name="schema">The schema the file must match.</param>
    /// <returns>The encoded data set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="schema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="DatasetValidationException">The file does not match the schema; <see cref="DatasetValidationException.Problems"/> lists every problem.</exception>
    public static CreditDataset LoadCsv(string path, FeatureSchema schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        var reader = new CsvDatasetReader(schema);
        using CsvReader csv = CsvReader.FromFile(path, reader.Options);
        return reader.Read(csv);
    }

    /// <summary>Loads CSV from a stream, reading it from its current position to the end; the stream stays open.</summary>
    /// <param name="stream">The readable stream.</param>
    /// <param name="schema">The schema the data must match.</param>
    /// <returns>The encoded data set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="schema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="IOException">The stream cannot be read.</exception>
    /// <exception cref="DatasetValidationException">The data does not match the schema; <see cref="DatasetValidationException.Problems"/> lists every problem.</exception>
    public static CreditDataset LoadCsv(Stream stream, FeatureSchema schema) => LoadCsv(stream, schema, int.MaxValue);

    /// <summary>Loads CSV from a stream, refusing more than <paramref name="maxRows"/> data rows; the stream stays open.</summary>
    /// <param name="stream">The readable stream.</param>
    /// <param name="schema">The schema the data must match.</param>
    /// <param name="maxRows">The most data rows read; a further row is a problem and reading stops there.</param>
    /// <returns>The encoded data set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="schema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is zero or negative.</exception>
    /// <exception cref="IOException">The stream cannot be read.</exception>
    /// <exception cref="DatasetValidationException">The data does not match the schema or has too many rows; <see cref="DatasetValidationException.Problems"/> lists the problems.</exception>
    public static CreditDataset LoadCsv(Stream stream, FeatureSchema schema, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        ArgumentNullException.ThrowIfNull(schema);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        var reader = new CsvDatasetReader(schema, maxRows);
        using CsvReader csv = CsvReader.Create(stream, reader.Options, leaveOpen: true);
        return reader.Read(csv);
    }

    /// <summary>Loads a CSV file whose headers the options map to the schema's columns.</summary>
    /// <param name="path">The path of the file.</param>
    /// <param name="schema">The schema the file must match.</param>
    /// <param name="options">The header mapping and row limit; checked against the schema before the file is opened.</param>
    /// <returns>The encoded data set.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="options"/> do not fit the schema (<see cref="CsvLoadOptions.Validate"/>).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="DatasetValidationException">The file does not match the schema; <see cref="DatasetValidationException.Problems"/> lists every problem.</exception>
    public static CreditDataset LoadCsv(string path, FeatureSchema schema, CsvLoadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(schema);
        var reader = new CsvDatasetReader(schema, options.MaxRows, options.ColumnMapping);
        using CsvReader csv = CsvReader.FromFile(path, reader.Options);
        return reader.Read(csv);
    }

    /// <summary>Loads CSV from a stream whose headers the options map to the schema's columns; the stream stays open.</summary>
    /// <param name="stream">The readable stream.</param>
    /// <param name="schema">The schema the data must match.</param>
    /// <param name="options">The header mapping and row limit; checked against the schema before anything is read.</param>
    /// <returns>The encoded data set.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable, or <paramref name="options"/> do not fit the schema (<see cref="CsvLoadOptions.Validate"/>).</exception>
    /// <exception cref="IOException">The stream cannot be read.</exception>
    /// <exception cref="DatasetValidationException">The data does not match the schema or has too many rows; <see cref="DatasetValidationException.Problems"/> lists the problems.</exception>
    public static CreditDataset LoadCsv(Stream stream, FeatureSchema schema, CsvLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        options.Validate(schema);
        var reader = new CsvDatasetReader(schema, options.MaxRows, options.ColumnMapping);
        using CsvReader csv = CsvReader.Create(stream, reader.Options, leaveOpen: true);
        return reader.Read(csv);
    }
}
