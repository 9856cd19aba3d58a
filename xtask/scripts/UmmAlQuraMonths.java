import java.time.LocalDate;
import java.time.chrono.HijrahChronology;
import java.time.chrono.HijrahDate;
import java.time.temporal.ChronoField;

public class UmmAlQuraMonths {
    public static void main(String[] args) {
        HijrahChronology c = HijrahChronology.INSTANCE;
        var range = c.range(ChronoField.YEAR);
        System.out.println("# " + c.getId() + " " + c.getCalendarType() + " years " + range.getMinimum() + "-" + range.getMaximum());
        for (long y = range.getMinimum(); y <= range.getMaximum(); y++) {
            for (int m = 1; m <= 12; m++) {
                HijrahDate d;
                try { d = c.date((int) y, m, 1); } catch (Exception e) { continue; }
                System.out.println(y + " " + m + " " + LocalDate.from(d) + " " + d.lengthOfMonth());
            }
        }
    }
}
