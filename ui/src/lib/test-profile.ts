// A demo employee's profile for the UI's unit tests (one copy, shared).
import type { EmployeeProfile } from "./bindings";

export const sampleProfile: EmployeeProfile = {
  nationalId: "1000000008",
  employeeNumber: "410694",
  nameAr: { first: "منيرة", father: "عمر", grandfather: "إبراهيم", family: "الشمري" },
  nameEn: { first: "Munira", father: "Omar", grandfather: "Ibrahim", family: "Alshammari" },
  gender: "female",
  birthDate: "1984-12-26",
  nationality: "سعودية",
  entity: "وزارة المالية",
  jobTitle: "محاسب",
  jobNumber: "05666",
  rank: 8,
  step: 3,
  appointmentDate: "2006-09-14",
  mobile: "+966591544275",
  email: "munira@mof.gov.sa",
  address: {
    buildingNumber: "4719",
    street: "شارع التخصصي",
    district: "العليا",
    city: "الرياض",
    postalCode: "11738",
    additionalNumber: "9574",
  },
};
