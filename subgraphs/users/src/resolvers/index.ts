import { DateTimeScalar } from "#kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { JSONScalar } from "../json-scalar.js";
import { changePassword } from "./change-password.js";
import { confirmMfa } from "./confirm-mfa.js";
import { createUser } from "./create-user.js";
import { disableMfa } from "./disable-mfa.js";
import { enrollMfa } from "./enroll-mfa.js";
import { eraseUser } from "./erase-user.js";
import { exportMyData } from "./export-my-data.js";
import { login } from "./login.js";
import { logout } from "./logout.js";
import { logoutEverywhere } from "./logout-everywhere.js";
import { me } from "./me.js";
import { refreshToken } from "./refresh-token.js";
import { register } from "./register.js";
import { setUserStatus } from "./set-user-status.js";
import { updateProfile } from "./update-profile.js";
import { user } from "./user.js";
import { User } from "./user-fields.js";
import { users } from "./users.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: { me, user, users, exportMyData },
  Mutation: {
    register,
    login,
    refreshToken,
    logout,
    logoutEverywhere,
    enrollMfa,
    confirmMfa,
    disableMfa,
    changePassword,
    updateProfile,
    createUser,
    setUserStatus,
    eraseUser,
  },
  User,
};
